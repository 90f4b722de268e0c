import Columns
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Applies a spec with its fit to column batches. Stateful only for sequences, which remember
/// each user's last ids across batches (the input is read in order; a user's rows must all go
/// through one transformer, which `--shard` keeps true by hashing the user id).
public final class FeatureTransformer {
    /// A feature resolved against the input: column indexes and fitted parameters.
    enum Plan {
        case hash(Int, HashFunction)
        case cross([Int], HashFunction)
        case vocabulary(Int, Vocabulary)
        case bucketize(Int, [Double])
        case affine(Int, shift: Double, scale: Double)     // (x - shift) / scale
        case log1p(Int)
        case fill(Int)
        case sequence(source: Int, user: Int, SequenceHistory)
    }

    public let spec: FeatureSpec
    let plans: [Plan]

    /// Resolves every feature against the input schema and the fit; a fit without a feature the
    /// spec needs, or an empty vocabulary, fails naming it.
    public init(spec: FeatureSpec, fit: FeatureFit?, schema: TableSchema, specSource: String, fitSource: String) throws {
        try spec.check(against: schema, source: specSource)
        self.spec = spec
        var plans: [Plan] = []
        for f in spec.features {
            let column = f.columns.first.flatMap { schema.index(of: $0) } ?? 0
            func stats() throws -> FeatureStatistics {
                guard let fit else { throw FeatureError("--fit", "feature '\(f.name)' (\(f.transform.name)) needs a fit; give --fit FILE") }
                guard let s = fit.features[f.name] else { throw FeatureError(fitSource, "has no statistics for feature '\(f.name)'; fit it with this spec") }
                guard s.column == f.columns[0] else { throw FeatureError(fitSource, "feature '\(f.name)' was fitted on column '\(s.column)', the spec says '\(f.columns[0])'") }
                return s
            }
            switch f.transform {
            case .hash(let h): plans.append(.hash(column, h))
            case .cross(let h): plans.append(.cross(f.columns.map { schema.index(of: $0)! }, h))
            case .vocabulary(let minCount, let maxSize, let oov):
                let v = Vocabulary(try stats(), minCount: minCount, maxSize: maxSize, oovBuckets: oov)
                guard v.count > 0 else {
                    throw FeatureError(fitSource, "feature '\(f.name)': empty vocabulary (no value of '\(f.columns[0])' occurs \(minCount) times)")
                }
                plans.append(.vocabulary(column, v))
            case .bucketize(let edges, let q):
                if let edges { plans.append(.bucketize(column, edges)); break }
                let e = try stats().quantileEdges(q!)
                guard !e.isEmpty else { throw FeatureError(fitSource, "feature '\(f.name)': no values fitted, so no quantile edges") }
                plans.append(.bucketize(column, e))
            case .zscore:
                guard let m = try stats().moments else { throw FeatureError(fitSource, "feature '\(f.name)': no values fitted") }
                plans.append(.affine(column, shift: m.mean, scale: m.std == 0 ? 1 : m.std))
            case .minmax:
                guard let m = try stats().moments else { throw FeatureError(fitSource, "feature '\(f.name)': no values fitted") }
                plans.append(.affine(column, shift: m.min, scale: m.max == m.min ? 1 : m.max - m.min))
            case .log1p: plans.append(.log1p(column))
            case .fill: plans.append(.fill(column))
            case .sequence(let of, _, let length, let jagged, let pad, let current):
                let source = spec.features.firstIndex { $0.name == of }!
                plans.append(.sequence(source: source, user: column,
                                       SequenceHistory(length: length, jagged: jagged, pad: pad, includeCurrent: current)))
            }
        }
        self.plans = plans
    }

    /// The tensors of one batch.
    public func transform(_ batch: ColumnBatch) -> TransformedBatch {
        var out = TransformedBatch(rows: batch.rows, dense: [], jagged: [])
        var ids: [[Int64]?] = []   // per feature, its ids (for sequences of it)
        for (f, plan) in zip(spec.features, plans) {
            switch plan {
            case .sequence(let source, let user, let history):
                let users = ColumnAccess.int64s(batch.columns[user])!
                if history.jagged {
                    let (values, lengths) = history.jagged(users: users, ids: ids[source]!)
                    out.jagged.append(JaggedFeature(name: f.name, values: values, lengths: lengths))
                } else {
                    out.dense.append(DenseTensor(name: f.name, shape: [batch.rows, history.length],
                                                 values: .int64(history.dense(users: users, ids: ids[source]!))))
                }
                ids.append(nil)
            default:
                let t = Self.apply(plan, f, batch)
                if case .int64(let v) = t { ids.append(v) } else { ids.append(nil) }
                out.dense.append(DenseTensor(name: f.name, shape: [batch.rows], values: t))
            }
        }
        return out
    }

    static func apply(_ plan: Plan, _ f: FeatureDefinition, _ batch: ColumnBatch) -> TensorValues {
        let rows = batch.rows
        switch plan {
        case .hash(let c, let h):
            let col = batch.columns[c]
            var out = [Int64](repeating: 0, count: rows)
            switch col.values {
            case .int64(let v):
                v.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { h.ids(int64s: src, into: $0) } }
            case .int32(let v):
                let wide = v.map(Int64.init)
                wide.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { h.ids(int64s: src, into: $0) } }
            case .utf8(let b), .bytes(let b):
                b.data.withUnsafeBytes { data in
                    for i in 0..<rows {
                        let lo = Int(b.offsets[i]), hi = Int(b.offsets[i + 1])
                        out[i] = h.id(bytes: UnsafeRawBufferPointer(rebasing: data[lo..<hi]))
                    }
                }
            default: break
            }
            return .int64(nulled(out, col, f.nullId))
        case .cross(let cs, let h):
            var out = [Int64](repeating: 0, count: rows)
            var scratch: [UInt8] = []
            for i in 0..<rows {
                scratch.removeAll(keepingCapacity: true)
                for c in cs { append(batch.columns[c], row: i, to: &scratch) }
                out[i] = scratch.withUnsafeBytes { h.id(bytes: $0) }
            }
            for c in cs { out = nulled(out, batch.columns[c], f.nullId) }
            return .int64(out)
        case .vocabulary(let c, let v):
            let col = batch.columns[c]
            var out = [Int64](repeating: 0, count: rows)
            if case .utf8(let b) = col.values {
                for i in 0..<rows { out[i] = v.id(bytes: b[i]) }
            } else {
                let x = ColumnAccess.int64s(col)!
                for i in 0..<rows { out[i] = v.id(int64: x[i]) }
            }
            return .int64(nulled(out, col, f.nullId))
        case .bucketize(let c, let edges):
            let x = filled(batch.columns[c], f.fill)
            var out = [Int64](repeating: 0, count: rows)
            if edges.count <= 512 {
                // Up to 512 edges: compare x with every edge, eight per vector instruction, and
                // count; no data-dependent branch or load, which a binary search has on every step.
                let chunks = Self.edgeChunks(edges)
                chunks.withUnsafeBufferPointer { e in
                    x.withUnsafeBufferPointer { xs in
                        out.withUnsafeMutableBufferPointer { o in
                            for i in 0..<rows { o[i] = Int64(Self.countAtMost(chunks: e, xs[i])) }
                        }
                    }
                }
            } else {
                edges.withUnsafeBufferPointer { e in
                    x.withUnsafeBufferPointer { xs in
                        out.withUnsafeMutableBufferPointer { o in
                            for i in 0..<rows { o[i] = Int64(Self.countAtMost(e, xs[i])) }
                        }
                    }
                }
            }
            return .int64(out)
        case .affine(let c, let shift, let scale):
            let x = filled(batch.columns[c], f.fill)
            return .float32(x.map { Float(($0 - shift) / scale) })
        case .log1p(let c):
            return .float32(filled(batch.columns[c], f.fill).map { Float(($0).log1pValue) })
        case .fill(let c):
            return .float32(filled(batch.columns[c], f.fill).map { Float($0) })
        case .sequence:
            preconditionFailure("sequences are made in transform(_:)")
        }
    }

    /// numpy's searchsorted(edges, x, side='right'): the number of edges <= x, for strictly
    /// increasing edges (x is never NaN here: `filled` replaced it). Branch-free: the loop runs
    /// log2(count) times whatever x is, and each step is a conditional move, so random values
    /// cost no mispredicted branches.
    @inline(__always) static func countAtMost(_ e: UnsafeBufferPointer<Double>, _ x: Double) -> Int {
        var base = 0, n = e.count
        while n > 1 {
            let half = n >> 1
            // The comparison's bit as an integer, then arithmetic: LLVM turns a `? :` on it back
            // into a branch, which random values mispredict half the time.
            base &+= half & (0 &- Int(unsafeBitCast(e[base &+ half] <= x, to: UInt8.self)))
            n &-= half
        }
        return base &+ Int(unsafeBitCast(e[base] <= x, to: UInt8.self))
    }

    /// The edges in vectors of eight, the last one padded with NaN (never <= x).
    static func edgeChunks(_ edges: [Double]) -> [SIMD8<Double>] {
        stride(from: 0, to: edges.count, by: 8).map { start in
            var v = SIMD8<Double>(repeating: .nan)
            for j in start..<min(start + 8, edges.count) { v[j - start] = edges[j] }
            return v
        }
    }

    /// The number of edges <= x, counted over vectors of edges.
    @inline(__always) static func countAtMost(chunks: UnsafeBufferPointer<SIMD8<Double>>, _ x: Double) -> Int {
        let xv = SIMD8<Double>(repeating: x)
        var acc = SIMD8<Int64>()
        let one = SIMD8<Int64>(repeating: 1), zero = SIMD8<Int64>()
        for c in chunks { acc &+= zero.replacing(with: one, where: c .<= xv) }
        return Int(acc.wrappedSum())
    }

    /// Numeric rows with nulls (and NaN) replaced by `fill`.
    static func filled(_ c: Column, _ fill: Double) -> [Double] {
        var x = ColumnAccess.doubles(c)!
        if let v = c.validity, c.nullCount > 0 {
            for i in 0..<x.count where !v[i] { x[i] = fill }
        }
        if x.contains(where: { $0.isNaN }) {
            for i in 0..<x.count where x[i].isNaN { x[i] = fill }
        }
        return x
    }

    static func nulled(_ ids: [Int64], _ c: Column, _ nullId: Int64) -> [Int64] {
        guard let v = c.validity, c.nullCount > 0 else { return ids }
        var out = ids
        for i in 0..<out.count where !v[i] { out[i] = nullId }
        return out
    }

    /// A row's bytes as a cross hashes them: integers as 8 little-endian bytes, text as UTF-8.
    static func append(_ c: Column, row i: Int, to out: inout [UInt8]) {
        switch c.values {
        case .int64(let v): withUnsafeBytes(of: v[i].littleEndian) { out.append(contentsOf: $0) }
        case .int32(let v): withUnsafeBytes(of: Int64(v[i]).littleEndian) { out.append(contentsOf: $0) }
        case .utf8(let b), .bytes(let b): out.append(contentsOf: b[i])
        default: break
        }
    }
}

extension Double {
    /// log(1 + x) from the C library (accurate for small x; numpy's log1p calls the same).
    var log1pValue: Double { log1p(self) }
}
