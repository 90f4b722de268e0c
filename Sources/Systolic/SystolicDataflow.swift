/// Which operand stays in the PEs of a systolic array while the others stream through
/// (SCALE-Sim's three dataflows).
public enum SystolicDataflow: String, Sendable, CaseIterable {
    /// Weight stationary: filters are loaded into the array, input rows stream in.
    case weightStationary = "ws"
    /// Output stationary: every PE accumulates one output.
    case outputStationary = "os"
    /// Input stationary: input windows are loaded, filters stream in.
    case inputStationary = "is"
}
