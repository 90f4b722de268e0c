/// One layer as SCALE-Sim sees it: a convolution (a GEMM is the convolution SCALE-Sim makes of
/// it), from which the three operand matrices follow.
public struct SystolicLayerShape: Sendable, Equatable {
    public var name: String
    public var ifmapHeight: Int
    public var ifmapWidth: Int
    public var filterHeight: Int
    public var filterWidth: Int
    public var channels: Int
    public var filters: Int
    public var strideHeight: Int
    public var strideWidth: Int

    /// A convolution without padding (SCALE-Sim's topologies give the padded input size).
    public init(name: String, ifmapHeight: Int, ifmapWidth: Int, filterHeight: Int, filterWidth: Int,
                channels: Int, filters: Int, strideHeight: Int, strideWidth: Int) {
        self.name = name
        self.ifmapHeight = ifmapHeight
        self.ifmapWidth = ifmapWidth
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.channels = channels
        self.filters = filters
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
    }

    /// An M×K by K×N matrix product, as SCALE-Sim maps its GEMM topologies: an M×K input with
    /// a 1×K filter, one channel and N filters, so M outputs per filter and a K-long window.
    public init(name: String, m: Int, n: Int, k: Int) {
        self.init(name: name, ifmapHeight: m, ifmapWidth: k, filterHeight: 1, filterWidth: k,
                  channels: 1, filters: n, strideHeight: 1, strideWidth: 1)
    }

    /// Why the shape cannot be timed, or nil. SCALE-Sim asserts the filter fits the input.
    public var problem: String? {
        let fields = [("IFMAP height", ifmapHeight), ("IFMAP width", ifmapWidth), ("filter height", filterHeight),
                      ("filter width", filterWidth), ("channels", channels), ("filters", filters),
                      ("stride height", strideHeight), ("stride width", strideWidth)]
        if let bad = fields.first(where: { $0.1 < 1 }) { return "\(bad.0) must be at least 1, got \(bad.1)" }
        if filterHeight > ifmapHeight { return "filter height \(filterHeight) is larger than the IFMAP height \(ifmapHeight)" }
        if filterWidth > ifmapWidth { return "filter width \(filterWidth) is larger than the IFMAP width \(ifmapWidth)" }
        // Keep every product below 2^62 so the cycle arithmetic cannot overflow.
        let limit = 1 << 20
        if let big = fields.first(where: { $0.1 > limit }) { return "\(big.0) \(big.1) is larger than \(limit)" }
        // SCALE-Sim keeps addresses in 32-bit integers; so do the operand sizes here.
        let limit31 = 1 << 31
        if ifmapHeight * ifmapWidth * channels > limit31 || window * filters > limit31 || outputPixels * filters > limit31 {
            return "the layer is too large (an operand of over 2^31 words)"
        }
        return nil
    }

    /// Output rows and columns: ⌈(I − F + s) / s⌉, the valid positions of the window.
    public var ofmapHeight: Int { (ifmapHeight - filterHeight + strideHeight + strideHeight - 1) / strideHeight }
    public var ofmapWidth: Int { (ifmapWidth - filterWidth + strideWidth + strideWidth - 1) / strideWidth }
    /// Output pixels of one filter (the GEMM M).
    public var outputPixels: Int { ofmapHeight * ofmapWidth }
    /// Elements of one convolution window, R·S·C (the GEMM K).
    public var window: Int { filterHeight * filterWidth * channels }
    /// Multiply-accumulates of the layer.
    public var macs: Int { outputPixels * window * filters }
}

/// The operand matrices of a layer for one dataflow, in SCALE-Sim's terms: the stationary
/// matrix is `sr × sc` spread over the array's rows and columns, and `t` is how many cycles the
/// streamed operand flows through it.
public struct SpatioTemporalDims: Sendable, Equatable {
    public var sr: Int
    public var sc: Int
    public var t: Int

    /// WS keeps filters (window × filters) and streams output pixels; OS keeps outputs
    /// (pixels × filters) and streams windows; IS keeps inputs (window × pixels) and streams filters.
    public init(_ layer: SystolicLayerShape, _ dataflow: SystolicDataflow) {
        let m = layer.outputPixels, k = layer.window, n = layer.filters
        switch dataflow {
        case .weightStationary: (sr, sc, t) = (k, n, m)
        case .outputStationary: (sr, sc, t) = (m, n, k)
        case .inputStationary: (sr, sc, t) = (k, m, n)
        }
    }
}
