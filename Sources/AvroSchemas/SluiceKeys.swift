/// The extension keys Sluice adds to Avro fields. Avro tools ignore unknown attributes, so a
/// Sluice `.avsc` stays a valid schema for every other Avro implementation.
public enum SluiceKeys {
    /// Stable field id (integer).
    public static let id = "sluice.id"
    /// Field role: one of `SluiceRole`.
    public static let role = "sluice.role"
    /// Time unit: one of `SluiceTimeUnit`.
    public static let unit = "sluice.unit"
}

/// What a field means to the recommendation tools (`sluice.role`).
public enum SluiceRole: String, Sendable, CaseIterable {
    case user, time, item, action, none
}

/// The unit of a time value (`sluice.unit`).
public enum SluiceTimeUnit: String, Sendable, CaseIterable {
    case s, ms, us, ns
}
