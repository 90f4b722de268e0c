import Foundation
import GraphIR
import OnnxProto
import SwiftProtobuf

/// Reads an ONNX model (ModelProto) into a `Graph`.
///
/// Initializers become constants; external-data initializers stay on disk as file regions.
/// Constant nodes stay nodes (constant folding turns them into constants), so op counts
/// before optimization match what other tools report for the same file.
public enum OnnxImporter {
    /// Opsets of the default domain graph-opt accepts.
    public static let supportedOpsets = 7...28

    /// Loads `path`; external data paths resolve against the model's directory.
    public static func load(path: String) throws -> Graph {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) }
        catch { throw GraphError.malformed("cannot read file") }
        // Absolute paths: the graph stream references weights by path, and its reader may
        // run in another directory.
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let dir = (absolute as NSString).deletingLastPathComponent
        return try decode(data, baseDirectory: dir.isEmpty ? "/" : dir, modelPath: absolute)
    }

    /// Embedded initializers at least this large are referenced as regions of the model
    /// file (see `RawDataLocator`) rather than kept in memory.
    public static let fileRegionThreshold = 64 * 1024

    /// Decodes serialized ModelProto bytes. With `modelPath`, large embedded weights are
    /// referenced as regions of that file instead of copied.
    public static func decode(_ data: Data, baseDirectory: String = ".", modelPath: String? = nil) throws -> Graph {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = 64
        // With a file behind the bytes, large embedded weights are cut out before decoding and
        // become regions of that file (RawDataLocator.strip).
        let stripped = modelPath == nil ? nil : data.withUnsafeBytes { RawDataLocator.strip($0, threshold: fileRegionThreshold) }
        let model: Onnx_ModelProto
        do { model = try stripped.map { try Onnx_ModelProto(serializedBytes: $0.bytes, options: options) }
                 ?? Onnx_ModelProto(serializedBytes: data, options: options) }
        catch { throw GraphError.malformed("protobuf decoding failed (\(error))") }
        guard model.hasIrVersion, model.irVersion >= 3, model.irVersion < 100 else {
            throw GraphError.malformed(model.hasIrVersion ? "unsupported IR version \(model.irVersion)" : "no IR version")
        }
        guard model.hasGraph else { throw GraphError.malformed("no graph") }
        var opsets: [String: Int] = [:]
        for o in model.opsetImport { opsets[o.domain == "ai.onnx" ? "" : o.domain] = Int(clamping: o.version) }
        guard let opset = opsets[""] else {
            throw GraphError.unsupported("no ONNX (default domain) operator set; the model imports only \(opsets.keys.sorted())")
        }
        guard supportedOpsets.contains(opset) else { throw GraphError.unsupported("opset \(opset) (supported: \(supportedOpsets.lowerBound)-\(supportedOpsets.upperBound))") }
        var builder = Builder(base: baseDirectory)
        if let modelPath, let stripped {
            builder.embedded = stripped.regions
            builder.modelSource = FileRegionSource(path: modelPath)
        }
        var graph = try builder.build(model.graph, opsets: opsets)
        try Validation.check(&graph)
        try Validation.inferShapes(&graph)
        return graph
    }

    /// Converts one TensorProto (initializer or tensor attribute).
    /// `embedded`: where `t`'s raw_data is in the model file when the importer took it out
    /// before decoding (the tensor then references that region).
    static func tensor(_ t: Onnx_TensorProto, base: String, sources: inout [String: FileRegionSource],
                       embedded: (source: FileRegionSource, region: RawDataLocator.Region)? = nil) throws -> ConstantTensor {
        let name = t.name
        guard let dtype = DType(rawValue: t.dataType), dtype != .string else {
            throw GraphError.unsupported("tensor '\(name)' has data type \(t.dataType)")
        }
        var dims: [Int] = []
        var count = 1
        for d in t.dims {
            guard d >= 0, d < Int64(Int32.max) else { throw GraphError.malformed("tensor '\(name)' has dimension \(d)") }
            dims.append(Int(d))
            let (p, over) = count.multipliedReportingOverflow(by: Int(d))
            guard !over, p < 1 << 40 else { throw GraphError.malformed("tensor '\(name)' is too large") }
            count = p
        }
        let expected = count * dtype.byteSize
        if t.hasDataLocation && t.dataLocation == .external || !t.externalData.isEmpty {
            var location = "", offset = 0, length = -1
            for kv in t.externalData {
                switch kv.key {
                case "location": location = kv.value
                case "offset": offset = Int(kv.value) ?? -1
                case "length": length = Int(kv.value) ?? -1
                default: break
                }
            }
            guard !location.isEmpty, offset >= 0, !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
                throw GraphError.missingData(tensor: name, detail: "invalid external data location '\(location)'")
            }
            if length < 0 { length = expected }
            guard length == expected else {
                throw GraphError.missingData(tensor: name, detail: "external data holds \(length) bytes, shape needs \(expected)")
            }
            let path = base + "/" + location
            let source = sources[path] ?? FileRegionSource(path: path)
            sources[path] = source
            guard let size = source.fileSize else {
                throw GraphError.missingData(tensor: name, detail: "external data file '\(location)' not found")
            }
            guard offset + length <= size else {
                throw GraphError.missingData(tensor: name, detail: "external data file '\(location)' is \(size) bytes, needs \(offset + length)")
            }
            return ConstantTensor(dtype: dtype, dims: dims, storage: .external(source: source, offset: offset, length: length))
        }
        if let (source, region) = embedded {
            guard region.length == expected else {
                throw GraphError.malformed("tensor '\(name)' has \(region.length) raw bytes, shape \(dims) of \(dtype) needs \(expected)")
            }
            return ConstantTensor(dtype: dtype, dims: dims, storage: .external(source: source, offset: region.offset, length: region.length))
        }
        if t.hasRawData {
            guard t.rawData.count == expected else {
                throw GraphError.malformed("tensor '\(name)' has \(t.rawData.count) raw bytes, shape \(dims) of \(dtype) needs \(expected)")
            }
            return ConstantTensor(dtype: dtype, dims: dims, storage: .bytes([UInt8](t.rawData)))
        }
        // Typed fields: floats, doubles, int64s, uint64s, or int32s carrying every smaller type.
        let floats: [Float]?
        let ints: [Int64]?
        switch dtype {
        case .float32: floats = t.floatData; ints = nil
        case .float64: floats = t.doubleData.map { Float($0) }; ints = nil
        case .int64: floats = []; ints = t.int64Data
        case .uint64, .uint32: floats = []; ints = t.uint64Data.map { Int64(bitPattern: $0) }
        case .float16, .bfloat16:
            let bits = t.int32Data.map { UInt16(truncatingIfNeeded: $0) }
            var raw = [UInt8]()
            for b in bits { raw.append(UInt8(b & 0xff)); raw.append(UInt8(b >> 8)) }
            guard raw.count == expected else { throw GraphError.malformed("tensor '\(name)' has \(bits.count) elements, shape needs \(count)") }
            return ConstantTensor(dtype: dtype, dims: dims, storage: .bytes(raw))
        default: floats = []; ints = t.int32Data.map { Int64($0) }
        }
        let n = ints?.count ?? floats!.count
        guard n == count else { throw GraphError.malformed("tensor '\(name)' has \(n) elements, shape \(dims) needs \(count)") }
        return ConstantTensor(dtype: dtype, dims: dims, storage: .bytes(ConstantTensor.encode(floats: floats ?? [], ints: ints, dtype: dtype)))
    }

    static func type(_ t: Onnx_TypeProto, of name: String) throws -> TensorType? {
        guard case .tensorType(let tt)? = t.value else {
            if t.value == nil { return nil }
            throw GraphError.unsupported("value '\(name)' is not a tensor")
        }
        guard let dtype = DType(rawValue: tt.elemType) else {
            if tt.elemType == 0 { return nil }
            throw GraphError.unsupported("value '\(name)' has element type \(tt.elemType)")
        }
        guard tt.hasShape else { return TensorType(dtype, nil) }
        let dims: [Dim] = try tt.shape.dim.map { d in
            switch d.value {
            case .dimValue(let v)?:
                guard v <= Node.attributeLimit else { throw GraphError.malformed("value '\(name)' has dimension \(v)") }
                return v >= 0 ? .known(Int(v)) : .unknown
            case .dimParam(let s)?: return s.isEmpty ? .unknown : .symbol(s)
            case nil: return .unknown
            }
        }
        return TensorType(dtype, Shape(dims))
    }

    /// Walks a GraphProto into a Graph, resolving value names to ids.
    struct Builder {
        let base: String
        var sources: [String: FileRegionSource] = [:]
        /// Where embedded raw_data lives in the model file, by initializer name.
        var embedded: [String: RawDataLocator.Region] = [:]
        var modelSource: FileRegionSource?

        init(base: String) { self.base = base }

        mutating func build(_ g: Onnx_GraphProto, opsets: [String: Int]) throws -> Graph {
            var graph = Graph(name: g.name)
            graph.opsets = opsets
            for t in g.initializer {
                guard !t.name.isEmpty else { throw GraphError.malformed("initializer without a name") }
                guard graph.value(named: t.name) == nil else { throw GraphError.duplicateOutput(t.name) }
                // A raw_data taken out before decoding (RawDataLocator.strip) is a region of the model file.
                let region = t.hasRawData ? nil : modelSource.flatMap { source in embedded[t.name].map { (source, $0) } }
                graph.addConstant(t.name, try OnnxImporter.tensor(t, base: base, sources: &sources, embedded: region))
            }
            for vi in g.input {
                let t = try OnnxImporter.type(vi.type, of: vi.name)
                if let id = graph.value(named: vi.name) {
                    // An initializer also listed as an input (IR < 4): it stays a constant.
                    if graph.values[id].constant == nil { throw GraphError.duplicateOutput(vi.name) }
                    continue
                }
                graph.inputs.append(graph.addValue(vi.name, type: t))
            }
            func id(_ name: String) -> ValueID {
                if name.isEmpty { return Graph.absent }
                return graph.value(named: name) ?? graph.addValue(name)
            }
            var captured: [(node: Int, names: Set<String>)] = []
            for (k, n) in g.node.enumerated() {
                let nodeName = n.name.isEmpty ? "\(n.opType)_\(k)" : n.name
                var node = Node(name: nodeName, op: n.opType, domain: n.domain == "ai.onnx" ? "" : n.domain,
                                inputs: n.input.map(id), outputs: n.output.map(id))
                // No pass reads an opaque node's attributes: each keeps its exact bytes. Control
                // flow's plain attributes (Scan's axes) are read by the interpreter; its bodies stay bytes.
                let opaque = node.isOpaque && !node.isControlFlow
                var free = Set<String>()
                for a in n.attribute {
                    node.attributes[a.name] = opaque ? try self.opaque(a, node: nodeName) : try attribute(a, node: nodeName)
                    free.formUnion(OnnxImporter.freeNames(a))
                }
                if !free.isEmpty { captured.append((graph.nodes.count, free)) }
                graph.nodes.append(node)
            }
            // Outer values a subgraph reads by name (resolved once every node has written its
            // outputs); a name no scope here defines is left to the runtime to judge.
            for (k, names) in captured {
                graph.nodes[k].captures = names.sorted().compactMap { graph.value(named: $0) }
            }
            for vi in g.valueInfo {
                if let v = graph.value(named: vi.name), let t = try? OnnxImporter.type(vi.type, of: vi.name) {
                    graph.values[v].type = t
                }
            }
            for vi in g.output {
                guard let v = graph.value(named: vi.name) else { throw GraphError.unknownOutput(vi.name) }
                if let t = try OnnxImporter.type(vi.type, of: vi.name), graph.values[v].type == nil { graph.values[v].type = t }
                graph.outputs.append(v)
            }
            // Control flow's outputs the model leaves untyped: from what its bodies declare.
            for n in g.node where n.opType == "If" || n.opType == "Loop" || n.opType == "Scan" {
                for (name, t) in zip(n.output, OnnxImporter.controlFlowOutputTypes(n, opset: opsets[""] ?? 1)) {
                    if let t, let v = graph.value(named: name), graph.values[v].type == nil { graph.values[v].type = t }
                }
            }
            return graph
        }

        /// The attribute kept as its serialized bytes: written back unchanged, read by no pass.
        func opaque(_ a: Onnx_AttributeProto, node: String) throws -> Attribute {
            do { return .opaque([UInt8](try a.serializedData())) }
            catch { throw GraphError.malformed("node '\(node)': attribute '\(a.name)' (\(error))") }
        }

        mutating func attribute(_ a: Onnx_AttributeProto, node: String) throws -> Attribute {
            if a.hasRefAttrName { throw GraphError.unsupported("node '\(node)': attribute '\(a.name)' refers to a function attribute") }
            switch a.type {
            case .float: return .float(a.f)
            case .int: return .int(a.i)
            case .string: return .string(String(decoding: a.s, as: UTF8.self))
            case .floats: return .floats(a.floats)
            case .ints: return .ints(a.ints)
            case .strings: return .strings(a.strings.map { String(decoding: $0, as: UTF8.self) })
            case .tensor where a.t.dataType == DType.string.rawValue, .graph, .graphs, .tensors, .sparseTensor, .sparseTensors,
                 .typeProto, .typeProtos:
                return try opaque(a, node: node)
            case .tensor: return .tensor(try OnnxImporter.tensor(a.t, base: base, sources: &sources))
            default:
                // IR 1 files may omit `type`; infer it from the field that is set.
                if a.hasF { return .float(a.f) }
                if a.hasI { return .int(a.i) }
                if a.hasS { return .string(String(decoding: a.s, as: UTF8.self)) }
                if a.hasT { return .tensor(try OnnxImporter.tensor(a.t, base: base, sources: &sources)) }
                if !a.ints.isEmpty { return .ints(a.ints) }
                if !a.floats.isEmpty { return .floats(a.floats) }
                throw GraphError.unsupported("node '\(node)': attribute '\(a.name)' of type \(a.type.rawValue)")
            }
        }
    }
}

extension OnnxImporter {
    /// The names a subgraph attribute reads from enclosing scopes: what its nodes (through
    /// nested subgraphs too) and outputs read, minus what the body defines itself (inputs,
    /// initializers, node outputs), which shadows outer names.
    static func freeNames(_ a: Onnx_AttributeProto) -> Set<String> {
        var names = a.hasG ? freeNames(a.g) : []
        for g in a.graphs { names.formUnion(freeNames(g)) }
        return names
    }

    static func freeNames(_ g: Onnx_GraphProto) -> Set<String> {
        var defined = Set(g.input.map(\.name)).union(g.initializer.map(\.name))
        var used = Set(g.output.map(\.name))
        for n in g.node {
            defined.formUnion(n.output)
            used.formUnion(n.input)
            for a in n.attribute { used.formUnion(freeNames(a)) }
        }
        used.remove("")
        return used.subtracting(defined)
    }

    /// Reads a serialized TensorProto file (the ONNX test data `*_output_0.pb` layout).
    public static func loadTensor(path: String) throws -> ConstantTensor {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) }
        catch { throw GraphError.malformed("cannot read tensor file") }
        let t: Onnx_TensorProto
        do { t = try Onnx_TensorProto(serializedBytes: data) }
        catch { throw GraphError.malformed("protobuf decoding failed (\(error))") }
        var sources: [String: FileRegionSource] = [:]
        let dir = (path as NSString).deletingLastPathComponent
        return try tensor(t, base: dir.isEmpty ? "." : dir, sources: &sources)
    }
}
