import Capnp
import GraphIR
import Schemas

/// Where constants too large to inline go: a weights file the stream references by path
/// and offset (see `WeightFileWriter`).
public protocol WeightSink: AnyObject {
    /// Appends `bytes`; returns the path to reference and the offset they start at.
    func append(_ bytes: [UInt8]) throws -> (path: String, offset: Int)
}

/// Writes a `Graph` as the records of a graph stream (Formats/graph.capnp): one `info`,
/// then `values` batches, then `nodes` batches in topological order. The envelope (header,
/// trailer) is the stream writer's job.
public struct GraphStreamEncoder {
    /// Constants up to this many bytes travel inline; larger ones by reference.
    public var inlineLimit: Int
    /// Values or nodes per frame.
    public var batchSize: Int
    /// Receives large in-memory constants (folded weights); nil inlines them.
    public var sink: WeightSink?
    /// Recorded in `GraphInfo.source`.
    public var source: String

    public init(inlineLimit: Int = 64 * 1024, batchSize: Int = 1024, sink: WeightSink? = nil, source: String = "") {
        self.inlineLimit = inlineLimit
        self.batchSize = batchSize
        self.sink = sink
        self.source = source
    }

    /// Emits every record through `writeRecord` (e.g. `RecordStreamWriter.writeRecord`).
    public func encode(_ graph: Graph, writeRecord: ((StructBuilder) throws -> Void) throws -> Void) throws {
        try writeRecord { root in
            let info = GraphFrame.Builder(root).initInfo()
            info.setName(graph.name)
            let opsets = graph.opsets.sorted { $0.key < $1.key }
            let list = info.initOpsets(count: opsets.count)
            for (k, (domain, version)) in opsets.enumerated() {
                let o = list.structElement(at: k, as: OpsetImport.Builder.self)
                o.setDomain(domain)
                o.version = Int64(version)
            }
            info.setInputs(graph.inputs.map { UInt32($0) })
            info.setOutputs(graph.outputs.map { UInt32($0) })
            info.setSource(source)
            info.valueCount = UInt32(graph.values.count)
            info.nodeCount = UInt32(graph.nodes.count)
        }
        for start in stride(from: 0, to: graph.values.count, by: batchSize) {
            let end = min(start + batchSize, graph.values.count)
            try writeRecord { root in
                let list = GraphFrame.Builder(root).initValues().initValues(count: end - start)
                for id in start..<end {
                    let v = graph.values[id]
                    let b = list.structElement(at: id - start, as: Value.Builder.self)
                    b.id = UInt32(id)
                    b.setName(v.name)
                    b.dtype = Schemas.DType(rawValue: UInt16(v.type?.dtype.rawValue ?? 0))
                    if let shape = v.type?.shape {
                        b.rankKnown = true
                        let dims = b.initShape(count: shape.rank)
                        for (k, d) in shape.dims.enumerated() {
                            let db = dims.structElement(at: k, as: Schemas.Dim.Builder.self)
                            switch d {
                            case .known(let n): db.known = Int64(n)
                            case .symbol(let s): db.setSymbol(s)
                            case .unknown: db.setUnknown()
                            }
                        }
                    }
                    if let c = v.constant { try encodeConstant(c, into: b.initConstant()) }
                }
            }
        }
        for start in stride(from: 0, to: graph.nodes.count, by: batchSize) {
            let end = min(start + batchSize, graph.nodes.count)
            try writeRecord { root in
                let list = GraphFrame.Builder(root).initNodes().initNodes(count: end - start)
                for k in start..<end {
                    let n = graph.nodes[k]
                    let b = list.structElement(at: k - start, as: Schemas.Node.Builder.self)
                    b.setName(n.name)
                    b.setOp(n.op)
                    b.setDomain(n.domain)
                    b.setInputs(n.inputs.map { Int32($0) })
                    b.setOutputs(n.outputs.map { Int32($0) })
                    let attrs = n.attributes.sorted { $0.key < $1.key }
                    let al = b.initAttributes(count: attrs.count)
                    for (j, (name, a)) in attrs.enumerated() {
                        let ab = al.structElement(at: j, as: Schemas.Attribute.Builder.self)
                        ab.setName(name)
                        switch a {
                        case .int(let v): ab.int = v
                        case .float(let v): ab.float = v
                        case .string(let v): ab.setString(v)
                        case .ints(let v): ab.setInts(v)
                        case .floats(let v): ab.setFloats(v)
                        case .strings(let v): ab.setStrings(v)
                        case .tensor(let t): try encodeConstant(t, into: ab.initTensor())
                        case .opaque(let bytes): ab.setOnnx(bytes)
                        }
                    }
                    if !n.captures.isEmpty { b.setCaptures(n.captures.map { Int32($0) }) }
                }
            }
        }
    }

    func encodeConstant(_ c: ConstantTensor, into b: Constant.Builder) throws {
        b.setDims(c.dims.map { Int64($0) })
        b.dtype = Schemas.DType(rawValue: UInt16(c.dtype.rawValue))
        switch c.storage {
        case .splat(let one):
            b.setSplat(one)
        case .external(let source, let offset, let length):
            let f = b.initFile()
            f.setPath(source.path)
            f.offset = UInt64(offset)
            f.length = UInt64(length)
        case .bytes(let bytes):
            if bytes.count > inlineLimit, let sink {
                let (path, offset) = try sink.append(bytes)
                let f = b.initFile()
                f.setPath(path)
                f.offset = UInt64(offset)
                f.length = UInt64(bytes.count)
            } else {
                b.setInline(bytes)
            }
        }
    }
}
