/// Parses a delimited text table (TSV/CSV with a header line) into column batches, for a
/// given schema or one inferred from the first rows.
///
/// Header fields may carry RecBole's type suffix (`rating:float`, `item_id:token`,
/// `genres:token_seq`): the suffix is dropped from the name and guides inference (`float` →
/// float64, `token` → int64 when every value is an integer else utf8, `*_seq` → a list whose
/// elements are separated by `listSeparator`).
public struct TableTextParser {
    /// How text maps onto values.
    public struct Options: Sendable {
        /// Field texts read as null, besides the empty field (e.g. `NA`, `null`).
        public var nullTokens: [String] = []
        /// Whether an empty field is null (else it is an empty string, or an error for numbers).
        public var emptyIsNull = true
        /// Separates the elements of a list field inside one text field.
        public var listSeparator: UInt8 = 32
        /// Rows per batch handed on.
        public var batchRows = 65_536
        /// Rows read to infer types when no schema is given.
        public var inferenceRows = 65_536
        /// Names given sequence roles when the schema is inferred.
        public var roleNames: [String: FieldRole] = ["user_id": .user, "item_id": .item, "timestamp": .time]
        /// The field separator; nil detects it from the header (tab unless only commas).
        public var delimiter: UInt8? = nil
        public init() {}
    }

    public let options: Options
    /// The schema: given, or inferred once the first `inferenceRows` rows (or all) were read.
    public private(set) var schema: TableSchema?
    private var reader: DelimitedReader
    private var header: [String]? = nil
    private var builders: [ColumnBuilder] = []
    private var nullTokens: [[UInt8]]
    private var sample: [UInt8] = []       // raw sample lines, replayed once types are known
    private var sampleLines: [Int] = []    // the input line number of each sample row
    private var inference: [TypeInference] = []
    private var suffixes: [String] = []

    /// A parser for rows of `schema` (nil: infer it). The header must name the schema's fields
    /// (in any order is not allowed: the same order, so a column is never silently swapped).
    public init(schema: TableSchema? = nil, options: Options = .init()) {
        self.options = options
        self.schema = schema
        reader = DelimitedReader(delimiter: options.delimiter)
        nullTokens = options.nullTokens.map { Array($0.utf8) }
    }

    /// Parses the complete lines of `chunk`; calls `body` with each full batch.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (TableSchema, ColumnBatch) throws -> Void) throws {
        var r = reader
        defer { reader = r }
        try r.feed(chunk) { record in try self.take(record, body) }
    }

    /// Parses a last line without a line break, then hands on the last (partial) batch.
    public mutating func finish(_ body: (TableSchema, ColumnBatch) throws -> Void) throws {
        var r = reader
        try r.finish { record in try self.take(record, body) }
        reader = r
        guard header != nil else { throw ColumnsError("input: empty, expected a header line") }
        if schema == nil { try settle(body) }
        if builders.first.map({ $0.rows > 0 }) ?? false { try body(schema!, takeBatch()) }
    }

    /// Parses a whole table in memory into one batch per `batchRows` rows.
    public static func parse(_ text: String, schema: TableSchema? = nil, options: Options = .init()) throws -> (TableSchema, [ColumnBatch]) {
        var parser = TableTextParser(schema: schema, options: options)
        var batches: [ColumnBatch] = []
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBytes { try parser.feed(UnsafeRawBufferPointer($0)) { batches.append($1) } }
        try parser.finish { batches.append($1) }
        return (parser.schema!, batches)
    }

    // MARK: Lines

    private mutating func take(_ record: DelimitedRecord, _ body: (TableSchema, ColumnBatch) throws -> Void) throws {
        guard header != nil else { return try readHeader(record) }
        guard record.count == (header?.count ?? 0) else {
            throw ColumnsError("line \(record.line): \(record.count) fields, the header has \(header!.count)")
        }
        if schema == nil {
            for c in 0..<record.count { try inference[c].observe(record[c], parser: self, line: record.line) }
            // Keep the line to parse it again once the types are known.
            for c in 0..<record.count {
                if c > 0 { sample.append(9) }
                try appendEscaped(record[c], line: record.line)
            }
            sample.append(10)
            sampleLines.append(record.line)
            if sampleLines.count >= options.inferenceRows { try settle(body) }
            return
        }
        try parseRow(record, line: record.line)
        if builders[0].rows >= options.batchRows { try body(schema!, takeBatch()) }
    }

    private mutating func readHeader(_ record: DelimitedRecord) throws {
        let fields = record.strings
        var names: [String] = []
        for f in fields {
            let parts = f.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            names.append(String(parts[0]))
            suffixes.append(parts.count > 1 ? String(parts[1]) : "")
        }
        header = names
        if let s = schema {
            guard names == s.fields.map(\.name) else {
                throw ColumnsError("line \(record.line): the header names \(names.joined(separator: ", ")); the schema's fields are \(s.fields.map(\.name).joined(separator: ", "))")
            }
            builders = s.fields.map { ColumnBuilder(field: $0, capacity: options.batchRows) }
        } else {
            inference = suffixes.map { TypeInference(isList: $0.hasSuffix("_seq"), floatHint: $0.hasPrefix("float")) }
        }
    }

    /// Sample fields are stored tab-separated and quoted when they hold a tab, quote or newline.
    private mutating func appendEscaped(_ field: UnsafeRawBufferPointer, line: Int) throws {
        if field.contains(9) || field.contains(34) || field.first == 34 {
            sample.append(34)
            for b in field { sample.append(b); if b == 34 { sample.append(34) } }
            sample.append(34)
        } else {
            sample.append(contentsOf: field)
        }
    }

    /// Decides the schema from the sample and parses the sample rows with it.
    private mutating func settle(_ body: (TableSchema, ColumnBatch) throws -> Void) throws {
        var fields: [Field] = []
        for (c, name) in header!.enumerated() {
            let role = options.roleNames[name] ?? .none
            fields.append(Field(id: UInt32(c + 1), name: name, type: inference[c].type, isList: inference[c].isList,
                                nullable: inference[c].sawNull, role: role))
        }
        let inferred = TableSchema(fields: fields)
        try inferred.validate()
        schema = inferred
        builders = fields.map { ColumnBuilder(field: $0, capacity: options.batchRows) }
        var replay = DelimitedReader(delimiter: 9)
        let lines = sample
        sample = []
        var failure: Error? = nil
        try lines.withUnsafeBytes { bytes in
            try replay.feed(bytes) { record in
                do { try self.parseRow(record, line: self.sampleLines[record.line - 1]) } catch { failure = failure ?? error }
                if self.builders[0].rows >= self.options.batchRows { try body(self.schema!, self.takeBatch()) }
            }
        }
        sampleLines = []
        if let f = failure { throw f }
    }

    private mutating func takeBatch() -> ColumnBatch {
        let rows = builders[0].rows
        return ColumnBatch(rows: rows, columns: builders.indices.map { builders[$0].take() })
    }

    // MARK: Values

    func isNull(_ text: UnsafeRawBufferPointer) -> Bool {
        if text.isEmpty { return options.emptyIsNull }
        return nullTokens.contains { $0.count == text.count && $0.withUnsafeBytes { $0.elementsEqual(text) } }
    }

    private mutating func parseRow(_ record: DelimitedRecord, line: Int) throws {
        for c in 0..<builders.count {
            let text = record[c]
            // An empty field of a list that cannot be null is the empty list.
            if isNull(text) && !(text.isEmpty && builders[c].field.isList && !builders[c].field.nullable) {
                guard builders[c].field.nullable else {
                    let hint = schema?.version == 0 && inference.isEmpty == false
                        ? " (no null in the first \(options.inferenceRows) rows, so it was inferred not nullable; give a schema)" : ""
                    throw ColumnsError("line \(line): \(builders[c].field.name) is null but not nullable\(hint)")
                }
                builders[c].appendNull()
                continue
            }
            if builders[c].field.isList {
                var start = 0
                let sep = options.listSeparator
                while start <= text.count {
                    var end = start
                    while end < text.count && text[end] != sep { end += 1 }
                    if end > start { try appendElement(c, UnsafeRawBufferPointer(rebasing: text[start..<end]), line: line) }
                    start = end + 1
                }
            } else {
                try appendElement(c, text, line: line)
            }
            builders[c].endRow()
        }
    }

    private mutating func appendElement(_ c: Int, _ text: UnsafeRawBufferPointer, line: Int) throws {
        let field = builders[c].field
        func bad(_ what: String) -> ColumnsError {
            let shown = String(decoding: text.prefix(40), as: UTF8.self)
            return ColumnsError("line \(line): \(field.name) '\(shown)' \(what)")
        }
        switch field.type {
        case .int32, .int64:
            switch DecimalText.int64(text) {
            case .success(let v):
                if field.type == .int32 && Int32(exactly: v) == nil { throw bad("is out of the int32 range") }
                builders[c].appendElement(int: v)
            case .failure(.outOfRange): throw bad("is out of the int64 range")
            case .failure(.notAnInteger): throw bad("is not an integer")
            }
        case .float32, .float64:
            guard let d = DecimalText.float64(text) else { throw bad("is not a number") }
            builders[c].appendElement(double: d)
        case .bool:
            guard let b = Self.bool(text) else { throw bad("is not a boolean (true/false/1/0)") }
            builders[c].appendElement(bool: b)
        case .utf8:
            guard UTF8Check.isValid(text) else { throw bad("is not valid UTF-8") }
            builders[c].appendElement(bytes: text)
        case .bytes:
            builders[c].appendElement(bytes: text)
        }
    }

    static func bool(_ text: UnsafeRawBufferPointer) -> Bool? {
        switch String(decoding: text, as: UTF8.self).lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: return nil
        }
    }
}

/// What a column's sample values allow: the narrowest type every value parses as.
struct TypeInference {
    let isList: Bool
    let floatHint: Bool
    var canInt = true, canFloat = true, canBool = true
    var sawValue = false, sawNull = false

    init(isList: Bool, floatHint: Bool) {
        self.isList = isList
        self.floatHint = floatHint
    }

    var type: ValueType {
        guard sawValue else { return floatHint ? .float64 : .utf8 }
        if canInt && !floatHint { return .int64 }
        if canFloat { return .float64 }
        if canBool { return .bool }
        return .utf8
    }

    mutating func observe(_ text: UnsafeRawBufferPointer, parser: TableTextParser, line: Int) throws {
        if parser.isNull(text) { sawNull = true; return }
        if isList {
            var start = 0
            while start <= text.count {
                var end = start
                while end < text.count && text[end] != parser.options.listSeparator { end += 1 }
                if end > start { value(UnsafeRawBufferPointer(rebasing: text[start..<end])) }
                start = end + 1
            }
        } else {
            value(text)
        }
    }

    private mutating func value(_ text: UnsafeRawBufferPointer) {
        sawValue = true
        if canInt, case .failure = DecimalText.int64(text) { canInt = false }
        if canFloat && DecimalText.float64(text) == nil { canFloat = false }
        if canBool && TableTextParser.bool(text) == nil { canBool = false }
    }
}
