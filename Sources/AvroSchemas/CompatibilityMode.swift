/// The seven registry compatibility modes, with Confluent Schema Registry's meaning: BACKWARD
/// (the new schema reads data of the latest), FORWARD (the latest reads data of the new), FULL
/// (both), each against the latest version only or, `_TRANSITIVE`, against every version; NONE
/// checks nothing.
public enum CompatibilityMode: String, CaseIterable, Sendable {
    case backward = "BACKWARD"
    case backwardTransitive = "BACKWARD_TRANSITIVE"
    case forward = "FORWARD"
    case forwardTransitive = "FORWARD_TRANSITIVE"
    case full = "FULL"
    case fullTransitive = "FULL_TRANSITIVE"
    case none = "NONE"

    /// The mode a subject has when its config does not say (Confluent's default too).
    public static let defaultMode = CompatibilityMode.backward

    /// Whether the new schema must read older data.
    public var checksBackward: Bool { [.backward, .backwardTransitive, .full, .fullTransitive].contains(self) }
    /// Whether older schemas must read the new schema's data.
    public var checksForward: Bool { [.forward, .forwardTransitive, .full, .fullTransitive].contains(self) }
    /// Whether every earlier version is checked, not just the latest.
    public var isTransitive: Bool { [.backwardTransitive, .forwardTransitive, .fullTransitive].contains(self) }

    /// Checks `candidate` against the existing `versions` (in any order; the highest version
    /// number is the latest) and returns every failure, newest version first. Empty = passes.
    public func check(_ candidate: AvroSchema, against versions: [(version: Int, schema: AvroSchema)]) -> [CompatibilityFailure] {
        let newestFirst = versions.sorted { $0.version > $1.version }
        let compared = isTransitive ? newestFirst : Array(newestFirst.prefix(1))
        var failures: [CompatibilityFailure] = []
        for old in compared {
            if checksBackward {
                let found = CompatibilityChecker.incompatibilities(reader: candidate, writer: old.schema)
                if !found.isEmpty { failures.append(CompatibilityFailure(version: old.version, direction: .newReadsOld, incompatibilities: found)) }
            }
            if checksForward {
                let found = CompatibilityChecker.incompatibilities(reader: old.schema, writer: candidate)
                if !found.isEmpty { failures.append(CompatibilityFailure(version: old.version, direction: .oldReadsNew, incompatibilities: found)) }
            }
        }
        return failures
    }
}

/// A mode check that failed against one existing version in one direction.
public struct CompatibilityFailure: Sendable, Equatable {
    /// Which way the data would flow; the raw value is the mode family's word for it.
    public enum Direction: String, Sendable {
        /// The new schema reading data written with the old one (backward).
        case newReadsOld = "backward"
        /// The old schema reading data written with the new one (forward).
        case oldReadsNew = "forward"
    }

    /// The existing version compared with.
    public var version: Int
    public var direction: Direction
    /// What failed (paths are in the reader: the new schema for `newReadsOld`, the old for `oldReadsNew`).
    public var incompatibilities: [Incompatibility]

    /// One line per incompatibility: `v3 (backward): fields[1]: reader field 'x' ...`.
    public var lines: [String] {
        incompatibilities.map { "v\(version) (\(direction.rawValue)): \($0)" }
    }
}
