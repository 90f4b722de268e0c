import Schemas
import TiledExecution
import ToolKit

/// `--check`: every tile of the placed program run on its slice of the real tensors, the
/// assembled outputs compared with the interpreter on the whole graph.
enum CheckStage {
    /// The check of every group output of `frames`' program, the graph's weights read from
    /// `graphPath`; `fault` (the `--inject-fault` text) makes the tiled run deliberately wrong.
    static func run(_ frames: PlacedFrames, graphPath: String, fault: String?, _ tool: ToolContext) throws -> [TensorCheckResult] {
        throw ToolError(frames.source, "--check is not built yet")
    }

    /// One `check` record's fields from `result`.
    static func fill(_ record: TensorCheck.Builder, _ result: TensorCheckResult) {
        record.setValue(result.value)
        record.group = UInt32(clamping: result.group)
        record.setElementType(result.elementType)
        record.elements = UInt64(clamping: result.elements)
        record.maxAbsError = result.maxAbsError
        record.maxRelError = result.maxRelError
        record.absTolerance = result.absTolerance
        record.relTolerance = result.relTolerance
        record.passed = result.passed
        record.worstIndex = UInt64(clamping: result.worstIndex)
        record.setNote(result.note)
    }
}
