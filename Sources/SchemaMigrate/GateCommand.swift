import ArgumentParser
import AvroSchemas
import Columns
import Foundation
import Migration
import TableRecords
import ToolKit

/// `schema-migrate gate --contract FILE TRAIN SERVE`: do a training stream and a serving stream
/// agree with each other and with the model's contract? Only the streams' schema records are
/// read, so the gate costs the same for a day of data as for an hour.
struct GateCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Check that a training and a serving table stream agree with a model's feature contract.",
        discussion: """
        The contract is JSON: {"subject": S, "version": N, "fingerprint": HEX, "features": {"name": "type", ...}} (every key but features optional; types as int64, float32?, list<utf8>). Prints one line per disagreement and exits 3 when there is any.
        """)

    @Option(help: ArgumentHelp("The model's feature contract (JSON).", valueName: "file"))
    var contract: String

    @Argument(help: ArgumentHelp("The training stream (table, events or seq-blocks).", valueName: "train"))
    var train: String

    @Argument(help: ArgumentHelp("The serving stream.", valueName: "serve"))
    var serve: String

    @OptionGroup var input: TableInputOptions

    var common: CommonOptions { .defaults }

    func validate() throws {
        if train == "-" && serve == "-" { throw ValidationError("the training and serving streams cannot both be standard input") }
    }

    struct Contract {
        var subject: String?
        var version: Int?
        var fingerprint: String?
        var features: [(name: String, type: String)]
    }

    func run(_ tool: ToolContext) throws {
        let c = try loadContract(tool)
        let trainSchema = try schema(of: train, tool)
        let serveSchema = try schema(of: serve, tool)
        var problems: [String] = []
        for (label, s) in [("train", trainSchema), ("serve", serveSchema)] {
            if let want = c.subject, want != s.subject { problems.append("\(label): subject '\(s.subject)', the contract says '\(want)'") }
            if let want = c.version, want != Int(s.version) { problems.append("\(label): version \(s.version), the contract says \(want)") }
            if let want = c.fingerprint, want.lowercased() != AvroFingerprint.hex(s.fingerprint) {
                problems.append("\(label): fingerprint \(AvroFingerprint.hex(s.fingerprint)), the contract says \(want.lowercased())")
            }
            for (name, type) in c.features {
                guard let f = s.fields.first(where: { $0.name == name }) else { problems.append("\(label): feature '\(name)' is missing"); continue }
                if f.typeDescription != type { problems.append("\(label): feature '\(name)' is \(f.typeDescription), the contract says \(type)") }
            }
        }
        if trainSchema.fingerprint != serveSchema.fingerprint {
            problems.append("train and serve: fingerprints differ (\(AvroFingerprint.hex(trainSchema.fingerprint)) and \(AvroFingerprint.hex(serveSchema.fingerprint)))")
        }
        for (name, _) in c.features {
            if let a = trainSchema.fields.first(where: { $0.name == name }), let b = serveSchema.fields.first(where: { $0.name == name }),
               a.typeDescription != b.typeDescription {
                problems.append("train and serve: feature '\(name)' is \(a.typeDescription) in train, \(b.typeDescription) in serve")
            }
        }
        guard problems.isEmpty else {
            try SchemaFile.print(problems, tool)
            throw ToolError.checkFailed("gate", "\(problems.count) disagreement\(problems.count == 1 ? "" : "s") between \(train), \(serve) and \(contract)")
        }
        try SchemaFile.print(["agree: \(c.features.count) features, fingerprint \(AvroFingerprint.hex(trainSchema.fingerprint))"], tool)
    }

    func schema(of path: String, _ tool: ToolContext) throws -> TableSchema {
        let source = path == "-" ? "stdin" : path
        let reader = TableStreamReader(try tool.openStream(path, resolve: { try TableStreamReader.resolve($0, source: source) }), timeUnit: input.timeUnit)
        return try reader.readSchema()
    }

    func loadContract(_ tool: ToolContext) throws -> Contract {
        let (bytes, source) = try SchemaFile.read(contract, tool)
        func bad(_ what: String) -> ToolError { ToolError(source, what) }
        let json: JSONValue
        do { json = try JSONValue.parse(bytes, source: source) } catch let e as SchemaError { throw bad(e.reason) }
        guard case .object(let o) = json else { throw bad("expected a JSON object") }
        for k in o.keys.sorted() where !["subject", "version", "fingerprint", "features", "doc"].contains(k) {
            throw bad("\(k): unknown key (known: subject, version, fingerprint, features, doc)")
        }
        var c = Contract(features: [])
        if let v = o["subject"] { guard case .string(let s) = v else { throw bad("subject: expected a string") }; c.subject = s }
        if let v = o["version"] { guard case .integer(let n) = v else { throw bad("version: expected an integer") }; c.version = Int(n) }
        if let v = o["fingerprint"] {
            guard case .string(let s) = v, s.count == 16, UInt64(s, radix: 16) != nil else { throw bad("fingerprint: expected 16 hex digits") }
            c.fingerprint = s
        }
        guard case .object(let features)? = o["features"] else { throw bad("features: expected an object of name: type") }
        for name in features.keys.sorted() {
            guard case .string(let t) = features[name]! else { throw bad("features.\(name): expected a type such as int64 or float32?") }
            guard Self.validType(t) else { throw bad("features.\(name): '\(t)' is not a type (int32, int64, float32, float64, bool, utf8, bytes; list<T>; a trailing ? for nullable)") }
            c.features.append((name, t))
        }
        return c
    }

    static func validType(_ t: String) -> Bool {
        var s = Substring(t)
        if s.hasSuffix("?") { s = s.dropLast() }
        if s.hasPrefix("list<") && s.hasSuffix(">") { s = s.dropFirst(5).dropLast() }
        return ValueType(rawValue: String(s)) != nil
    }
}
