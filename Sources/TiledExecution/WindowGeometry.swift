import GraphIR

/// Stride, dilation and padding of a Conv or pooling node over a 2-D plane (a 1-D window is a
/// plane of height 1), and the input rows or columns a range of outputs reads.
struct WindowGeometry {
    var kernel: (Int, Int)
    var stride: (Int, Int)
    var dilation: (Int, Int)
    /// Padding before and after, per axis.
    var padBegin: (Int, Int)
    var input: (Int, Int)

    init(_ node: Node, input spatial: [Int], kernel k: [Int]) throws {
        let rank = k.count
        guard rank == 1 || rank == 2, spatial.count == rank else { throw TiledExecutionError.untileable("\(rank)-D windows") }
        let strides = node.ints("strides") ?? Array(repeating: 1, count: rank)
        let dil = node.ints("dilations") ?? Array(repeating: 1, count: rank)
        var pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * rank)
        guard strides.count == rank, dil.count == rank, pads.count == 2 * rank else { throw TiledExecutionError.untileable("window attributes") }
        switch node.string("auto_pad", "NOTSET") {
        case "SAME_UPPER", "SAME_LOWER":
            // As ONNX defines it: the output is ceil(input / stride), the padding split with
            // the odd one at the end (UPPER) or the beginning (LOWER).
            for d in 0..<rank {
                let out = (spatial[d] + strides[d] - 1) / strides[d]
                let total = max(0, (out - 1) * strides[d] + (k[d] - 1) * dil[d] + 1 - spatial[d])
                let small = total / 2
                pads[d] = node.string("auto_pad", "") == "SAME_UPPER" ? small : total - small
            }
        case "VALID": pads = Array(repeating: 0, count: 2 * rank)
        default: break
        }
        if rank == 1 {
            (kernel, stride, dilation, padBegin, input) = ((1, k[0]), (1, strides[0]), (1, dil[0]), (0, pads[0]), (1, spatial[0]))
        } else {
            (kernel, stride, dilation, padBegin, input) = ((k[0], k[1]), (strides[0], strides[1]), (dil[0], dil[1]), (pads[0], pads[1]),
                                                          (spatial[0], spatial[1]))
        }
    }

    /// The input rows (axis 0) or columns (axis 1) that outputs `out` read through filter taps
    /// `taps`: the first and last (inclusive), which may lie in the padding (negative, or past
    /// the input).
    func reads(axis: Int, out: Range<Int>, taps: Range<Int>) -> (first: Int, last: Int) {
        let (s, d, p) = axis == 0 ? (stride.0, dilation.0, padBegin.0) : (stride.1, dilation.1, padBegin.1)
        return (out.lowerBound * s - p + taps.lowerBound * d, (out.upperBound - 1) * s - p + (taps.upperBound - 1) * d)
    }
}

/// The part of a read window inside the stored input, and the padding on either side of it:
/// padding exists only at the input's real borders, never between tiles.
struct ClippedWindow {
    var lower: Int
    var upper: Int
    var padBefore: Int
    var padAfter: Int
    /// False when the window lies wholly in the padding.
    var isEmpty: Bool { lower >= upper }

    init(first: Int, last: Int, extent: Int) {
        lower = max(first, 0)
        upper = min(last, extent - 1) + 1
        padBefore = lower - first
        padAfter = last - (upper - 1)
    }
}

/// Why a group cannot run tile by tile (it then runs whole, and its check says so), or why
/// the schedule and the graph disagree.
public enum TiledExecutionError: Error, Equatable, CustomStringConvertible {
    /// No tiled form of this operator or attribute here.
    case untileable(String)
    /// The plan's loop nest does not describe the graph's node.
    case mismatch(String)
    /// The fault cannot be put into that group.
    case fault(String)

    public var description: String {
        switch self {
        case .untileable(let s): return s
        case .mismatch(let s): return s
        case .fault(let s): return s
        }
    }
}
