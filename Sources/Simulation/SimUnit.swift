/// The kinds of hardware an event occupies, with the codes Formats/sim.capnp's `TraceBatch.unit`
/// stores.
public enum SimUnit: UInt8, Sendable, CaseIterable {
    case macArray = 0
    case vectorUnit = 1
    case sramPort = 2
    case nocLink = 3
    case dramChannel = 4
}
