import Foundation
import GraphIR
import OnnxProto
import SwiftProtobuf

/// Optimization inside control-flow bodies: the subgraph attributes (If's branches, Loop's and
/// Scan's bodies) that the importer keeps as serialized AttributeProtos.
///
/// Each body is decoded into a `Graph` of its own in which every outer value it reads by
/// name is a graph input (a placeholder: never a constant, so nothing outer is copied in or
/// folded across the boundary), optimized by the caller's closure, and written back in place
/// of the attribute's bytes with the placeholders dropped from its inputs. Formal inputs and
/// outputs keep their names and order, so the operator's contract is unchanged. Bodies nested
/// in a body are optimized after it, against it. A body that nothing changed keeps its exact bytes.
public enum SubgraphBodies {
    /// The passes graph-opt runs inside bodies (when selected): folding (constants and constant
    /// control flow), CSE and DCE.
    public static let passes: Set<String> = ["fold-constants", "fold-control-flow", "cse", "dce"]

    /// Runs `optimize` (which returns its rewrite count) on every subgraph of every node of
    /// `graph`, at any depth, and refreshes the nodes' `captures`. Returns the rewrites made.
    public static func optimize(_ graph: inout Graph, _ optimize: (inout Graph) throws -> Int) throws -> Int {
        var total = 0
        for k in graph.nodes.indices {
            var changed = false
            for (name, attribute) in graph.nodes[k].attributes.sorted(by: { $0.key < $1.key }) {
                guard case .opaque(let bytes) = attribute,
                      var proto = try? Onnx_AttributeProto(serializedBytes: bytes),
                      proto.hasG || !proto.graphs.isEmpty else { continue }
                var rewrites = 0
                if proto.hasG, let body = try body(proto.g, outer: graph, &rewrites, optimize) { proto.g = body }
                for i in proto.graphs.indices {
                    if let body = try body(proto.graphs[i], outer: graph, &rewrites, optimize) { proto.graphs[i] = body }
                }
                guard rewrites > 0 else { continue }
                do { graph.nodes[k].attributes[name] = .opaque([UInt8](try proto.serializedData())) }
                catch { throw GraphError.malformed("node '\(graph.nodes[k].name)': attribute '\(name)' (\(error))") }
                total += rewrites
                changed = true
            }
            if changed {
                // A body may read fewer outer values now (DCE): its captures shrink with it.
                var free = Set<String>()
                for case .opaque(let bytes) in graph.nodes[k].attributes.values {
                    if let a = try? Onnx_AttributeProto(serializedBytes: bytes) { free.formUnion(OnnxImporter.freeNames(a)) }
                }
                graph.nodes[k].captures = free.sorted().compactMap { graph.value(named: $0) }
            }
        }
        return total
    }

    /// The optimized body, or nil when nothing changed (or the body is outside what the
    /// importer reads, such as external data: it is then kept as it is).
    static func body(_ g: Onnx_GraphProto, outer: Graph, _ rewrites: inout Int,
                     _ optimize: (inout Graph) throws -> Int) throws -> Onnx_GraphProto? {
        if g.initializer.contains(where: { $0.dataLocation == .external || !$0.externalData.isEmpty }) { return nil }
        let free = OnnxImporter.freeNames(g)
        var body: Graph
        var lent: [ValueID] = []
        do {
            body = try decode(g, free: free, outer: outer)
            lent = lendConstants(&body, formal: g.input.count, outer: outer)
            try Validation.inferShapes(&body)
        } catch is GraphError { return nil }  // a body graph-opt cannot read stays as it is
        // A branch may not fit the shapes the outer graph has (an If picks the branch that
        // does at run time): a body whose shapes contradict each other is kept as it is.
        var n = 0
        do {
            n = try optimize(&body)
            n += try Self.optimize(&body, optimize)
        } catch is GraphError { return nil }
        guard n > 0 else { return nil }
        // An outer constant the body still reads stays the outer graph's: read by name, not copied in.
        let read = Set(body.nodes.flatMap(\.reads)).union(body.outputs)
        for id in lent where read.contains(id) {
            body.values[id].constant = nil
            body.inputs.append(id)
        }
        var out = try OnnxExporter.model(body, splatLimit: 1024, setAsideAbove: nil).model.graph
        out.name = g.name
        out.input = out.input.filter { !free.contains($0.name) }
        out.docString = g.docString
        rewrites += n
        return out
    }

    /// Turns the placeholders of outer values that are constants of the outer graph
    /// (initializers, Constant outputs, folded results) into those constants, so folding reaches
    /// through them (a Slice of an outer weight). A constant is the same on every path, so this
    /// specializes a branch to nothing it might not be taken for, unlike an outer shape. Returns
    /// the values lent; `body` gives the ones still read back as placeholders.
    static func lendConstants(_ body: inout Graph, formal: Int, outer: Graph) -> [ValueID] {
        var lent: [ValueID] = []
        // The formal inputs come first; the placeholders of outer names follow them.
        for k in (formal..<body.inputs.count).reversed() {
            let id = body.inputs[k]
            guard let outerID = outer.value(named: body.values[id].name), let c = outer.constant(outerID) else { continue }
            body.values[id].constant = c
            body.values[id].type = c.type
            body.inputs.remove(at: k)
            lent.append(id)
        }
        return lent
    }

    /// The body as a graph whose inputs are its formal inputs followed by `free`, the outer
    /// names it reads (typed by element type only), checked and in topological order.
    static func decode(_ g: Onnx_GraphProto, free: Set<String>, outer: Graph) throws -> Graph {
        var proto = g
        for name in free.sorted() {
            // Only the element type crosses the boundary, not the shape: an If branch that the
            // outer shapes rule out (taken only for other inputs) must not have those shapes
            // folded into it, or a runtime that infers types at load time rejects the model.
            var vi = Onnx_ValueInfoProto()
            vi.name = name
            if let id = outer.value(named: name), let dtype = outer.values[id].type?.dtype {
                var tt = Onnx_TypeProto.Tensor()
                tt.elemType = dtype.rawValue
                vi.type.tensorType = tt
            }
            proto.input.append(vi)
        }
        var builder = OnnxImporter.Builder(base: ".")
        var body = try builder.build(proto, opsets: outer.opsets)
        try Validation.check(&body)
        return body
    }

    /// A loader for the interpreter (`Interpreter.run(_:feeds:subgraphs:)`): decodes an If
    /// branch or Loop/Scan body once per distinct attribute (a Loop runs its body many times,
    /// nested bodies run once per outer iteration) and keeps it for the loader's lifetime.
    public static func loader() -> SubgraphLoader {
        let cache = BodyCache()
        return { attribute, outer in
            guard case .opaque(let bytes) = attribute else { throw GraphError.malformed("not a subgraph attribute") }
            if let hit = cache.get(bytes) { return hit }
            guard let proto = try? Onnx_AttributeProto(serializedBytes: bytes), proto.hasG else {
                throw GraphError.malformed("attribute '\((try? Onnx_AttributeProto(serializedBytes: bytes))?.name ?? "?")' is not a graph")
            }
            if proto.g.initializer.contains(where: { $0.dataLocation == .external || !$0.externalData.isEmpty }) {
                throw GraphError.unsupported("a body with external-data initializers")
            }
            let formal = proto.g.input.count
            let graph = try decode(proto.g, free: OnnxImporter.freeNames(proto.g), outer: outer)
            let body = SubgraphBody(graph: graph, formalInputs: formal)
            cache.put(bytes, body)
            return body
        }
    }

    /// Decoded bodies by their serialized attribute (locked: a loader is a Sendable value).
    final class BodyCache: @unchecked Sendable {
        private var bodies: [[UInt8]: SubgraphBody] = [:]
        private let lock = NSLock()
        func get(_ key: [UInt8]) -> SubgraphBody? { lock.lock(); defer { lock.unlock() }; return bodies[key] }
        func put(_ key: [UInt8], _ body: SubgraphBody) { lock.lock(); defer { lock.unlock() }; bodies[key] = body }
    }
}
