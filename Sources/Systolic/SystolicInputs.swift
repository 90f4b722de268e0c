/// A line of a topology or configuration file that cannot be used.
public struct SystolicInputError: Error, Equatable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    public var message: String
    public init(line: Int, _ message: String) { self.line = line; self.message = message }
    public var description: String { "line \(line): \(message)" }
}

/// SCALE-Sim's topology files: a header line, then one layer per line, comma separated with a
/// trailing comma. Convolutions: name, IFMAP height, IFMAP width, filter height, filter width,
/// channels, filters, stride (both directions). GEMMs: name, M, N, K. Either may end with a
/// sparsity ratio `N:M`; only the dense 1:1 is modelled. A name containing "DP" is a depthwise
/// convolution, which SCALE-Sim runs as one single-channel layer per channel.
public enum SystolicTopology {
    public static func parse(_ text: String) throws -> [SystolicLayerShape] {
        var layers: [SystolicLayerShape] = []
        var sawHeader = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmedASCII
            if line.isEmpty { continue }
            if !sawHeader { sawHeader = true; continue }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmedASCII }
            if fields.last == "" { fields.removeLast() }
            if let ratio = fields.last, ratio.contains(":") {
                guard ratio == "1:1" else { throw SystolicInputError(line: index + 1, "sparsity ratio \(ratio) is not modelled (only dense 1:1)") }
                fields.removeLast()
            }
            guard let name = fields.first, !name.isEmpty else { throw SystolicInputError(line: index + 1, "missing layer name") }
            var numbers: [Int] = []
            for (i, f) in fields.dropFirst().enumerated() {
                guard let v = Int(f) else { throw SystolicInputError(line: index + 1, "field \(i + 2) of \(name): expected an integer, got '\(f)'") }
                numbers.append(v)
            }
            let shapes: [SystolicLayerShape]
            switch numbers.count {
            case 3:
                shapes = [SystolicLayerShape(name: name, m: numbers[0], n: numbers[1], k: numbers[2])]
            case 7:
                let one = SystolicLayerShape(name: name, ifmapHeight: numbers[0], ifmapWidth: numbers[1], filterHeight: numbers[2],
                                             filterWidth: numbers[3], channels: numbers[4], filters: numbers[5],
                                             strideHeight: numbers[6], strideWidth: numbers[6])
                if name.contains("DP"), numbers[4] >= 1, numbers[4] <= 1 << 16 {
                    shapes = (0..<numbers[4]).map { ch in
                        var s = one; s.name = "\(name)Channel_\(ch)"; s.channels = 1; return s
                    }
                } else {
                    shapes = [one]
                }
            default:
                throw SystolicInputError(line: index + 1, "\(name): expected 7 numbers (IFMAP h, w, filter h, w, channels, filters, stride) or 3 (M, N, K), got \(numbers.count)")
            }
            if let p = shapes[0].problem { throw SystolicInputError(line: index + 1, "\(name): \(p)") }
            layers.append(contentsOf: shapes)
            if layers.count > 1 << 20 { throw SystolicInputError(line: index + 1, "more than 2^20 layers") }
        }
        if layers.isEmpty { throw SystolicInputError(line: max(1, text.split(separator: "\n").count), "no layers (the first line is the header)") }
        return layers
    }
}

/// SCALE-Sim's `.cfg` (INI) files: the array, SRAM sizes, dataflow and DRAM bandwidth.
public enum SystolicConfigFile {
    public static func parse(_ text: String) throws -> SystolicConfig {
        var values: [String: (value: String, line: Int)] = [:]
        var section = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmedASCII
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else { throw SystolicInputError(line: index + 1, "malformed section header '\(line)'") }
                section = String(line.dropFirst().dropLast()).lowercased()
                continue
            }
            guard let eq = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw SystolicInputError(line: index + 1, "expected 'key = value', got '\(line)'")
            }
            guard !section.isEmpty else { throw SystolicInputError(line: index + 1, "a key before the first [section]") }
            let key = line[..<eq].trimmedASCII.lowercased()
            let value = line[line.index(after: eq)...].trimmedASCII
            values["\(section).\(key)"] = (value, index + 1)
        }
        func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
            guard let entry = values[key] else {
                if let f = fallback { return f }
                throw SystolicInputError(line: 1, "missing \(key.split(separator: ".").joined(separator: ": "))")
            }
            guard let v = Int(entry.value) else { throw SystolicInputError(line: entry.line, "\(key.split(separator: ".").last!): expected an integer, got '\(entry.value)'") }
            return v
        }
        func flag(_ key: String) throws -> Bool {
            guard let entry = values[key] else { return false }
            switch entry.value.lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: throw SystolicInputError(line: entry.line, "\(key.split(separator: ".").last!): expected True or False, got '\(entry.value)'")
            }
        }
        var config = SystolicConfig()
        config.rows = try int("architecture_presets.arrayheight")
        config.cols = try int("architecture_presets.arraywidth")
        config.ifmapKB = try int("architecture_presets.ifmapsramszkb")
        config.filterKB = try int("architecture_presets.filtersramszkb")
        config.ofmapKB = try int("architecture_presets.ofmapsramszkb")
        if let df = values["architecture_presets.dataflow"] {
            guard let d = SystolicDataflow(rawValue: df.value.lowercased()) else {
                throw SystolicInputError(line: df.line, "Dataflow: expected ws, os or is, got '\(df.value)'")
            }
            config.dataflow = d
        }
        let mode = values["run_presets.interfacebandwidth"]
        switch mode?.value.uppercased() ?? "CALC" {
        case "CALC": config.bandwidth = nil
        case "USER":
            guard let bw = values["architecture_presets.bandwidth"] else { throw SystolicInputError(line: mode!.line, "InterfaceBandwidth USER needs architecture_presets: Bandwidth") }
            let first = bw.value.split(separator: ",").first.map { $0.trimmedASCII } ?? ""
            guard let b = Int(first) else { throw SystolicInputError(line: bw.line, "Bandwidth: expected an integer, got '\(bw.value)'") }
            config.bandwidth = b
            // SCALE-Sim feeds the read SRAMs at their bank bandwidth and drains the OFMAP at
            // Bandwidth; one figure for all three is what is modelled here.
            for key in ["layout.ifmapsrambankbandwidth", "layout.filtersrambankbandwidth"] {
                if let v = values[key], Int(v.value) != b {
                    throw SystolicInputError(line: v.line, "\(key.dropFirst(7)) \(v.value) differs from Bandwidth \(b): one DRAM bandwidth for all interfaces is modelled")
                }
            }
        default:
            throw SystolicInputError(line: mode!.line, "InterfaceBandwidth: expected USER or CALC, got '\(mode!.value)'")
        }
        for (key, what) in [("sparsity.sparsitysupport", "SparsitySupport"), ("layout.ifmapcustomlayout", "IfmapCustomLayout"),
                            ("layout.filtercustomlayout", "FilterCustomLayout"), ("run_presets.useramulatortrace", "UseRamulatorTrace")] {
            if try flag(key) { throw SystolicInputError(line: values[key]!.line, "\(what) = True is not modelled") }
        }
        if let p = config.problem { throw SystolicInputError(line: values["architecture_presets.arrayheight"]?.line ?? 1, p) }
        return config
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and carriage returns (no Foundation here).
    var trimmedASCII: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[first...last])
    }
}
