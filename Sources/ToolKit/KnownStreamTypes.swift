import Capnp
import Pipes

// The stream types compiled into this build. Text and JSON rendering come from the generated
// Schemas (capnpc-swift) once they land; until then frames cannot be rendered.
let knownTypes: [StreamType] = [
    StreamType(kind: .sample, renderText: unrenderable, renderJSON: unrenderable),
]

private func unrenderable(_ root: StructReader) throws -> String {
    throw ToolError("render", "this build has no generated Schemas to render frames as text yet")
}
