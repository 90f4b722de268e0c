import Foundation
import AtomicFiles
import AvroSchemas

/// One subject of a `SchemaRegistry`: its compatibility mode and versions, loaded from disk.
/// A value: `register` writes the new file and returns the subject as it is afterwards.
public struct RegistrySubject: Sendable {
    /// The subject name.
    public let name: String
    /// `DIR/<subject>`.
    public let directory: String
    /// From `config.json`, else `CompatibilityMode.defaultMode`.
    public let mode: CompatibilityMode
    /// Every version, oldest first; versions are numbered 1...count with no gaps.
    public let versions: [RegisteredSchema]

    /// `DIR/<subject>/config.json`.
    public var configPath: String { (directory as NSString).appendingPathComponent("config.json") }
    /// `DIR/<subject>/migrations`, where migration specs live.
    public var migrationsDirectory: String { (directory as NSString).appendingPathComponent("migrations") }

    /// The newest version, nil for a new subject.
    public var latest: RegisteredSchema? { versions.last }

    /// Version `number`, if it exists.
    public func version(_ number: Int) -> RegisteredSchema? {
        number >= 1 && number <= versions.count ? versions[number - 1] : nil
    }

    /// The oldest version whose canonical form has this fingerprint (a stream's schema is
    /// found this way), nil when none does.
    public func version(withFingerprint fingerprint: UInt64) -> RegisteredSchema? {
        versions.first { $0.fingerprint == fingerprint }
    }

    /// The path version `number` has (or would have).
    public func path(ofVersion number: Int) -> String {
        (directory as NSString).appendingPathComponent("v\(number).avsc")
    }

    init(name: String, directory: String) throws {
        self.name = name
        self.directory = directory
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            mode = .defaultMode
            versions = []
            return
        }
        guard isDirectory.boolValue else { throw RegistryError(directory, "is not a directory") }
        let entries: [String]
        do { entries = try manager.contentsOfDirectory(atPath: directory) } catch {
            throw FileError(directory, "cannot list the subject directory")
        }
        var numbers: [Int] = []
        for entry in entries where entry.hasPrefix("v") && entry.hasSuffix(".avsc") {
            let digits = entry.dropFirst().dropLast(5)
            guard let n = Int(digits), n >= 1, String(n) == digits else {
                throw RegistryError((directory as NSString).appendingPathComponent(entry), "a version file must be named v<N>.avsc with N = 1, 2, ...")
            }
            numbers.append(n)
        }
        numbers.sort()
        for (i, n) in numbers.enumerated() where n != i + 1 {
            throw RegistryError(directory, "version v\(i + 1).avsc is missing (found v\(n).avsc)")
        }
        var loaded: [RegisteredSchema] = []
        for n in numbers {
            let path = (directory as NSString).appendingPathComponent("v\(n).avsc")
            let bytes = try Self.read(path)
            loaded.append(RegisteredSchema(version: n, path: path, text: bytes, schema: try AvroSchema.parse(bytes, source: path)))
        }
        versions = loaded
        mode = try Self.readMode(configPath: (directory as NSString).appendingPathComponent("config.json"))
    }

    /// The mode in `config.json`; other keys are left for other tools.
    private static func readMode(configPath: String) throws -> CompatibilityMode {
        guard FileManager.default.fileExists(atPath: configPath) else { return .defaultMode }
        let bytes = try read(configPath)
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes)), let object = json as? [String: Any] else {
            throw RegistryError(configPath, "not a JSON object")
        }
        guard let value = object["compatibility"] else { return .defaultMode }
        guard let text = value as? String, let mode = CompatibilityMode(rawValue: text) else {
            throw RegistryError(configPath, "compatibility must be one of \(CompatibilityMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return mode
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw FileError(path, "cannot read the file") }
        return [UInt8](data)
    }

    /// Checks `candidate` against the versions under `mode` (default: the subject's mode);
    /// empty when it passes.
    public func check(_ candidate: AvroSchema, mode: CompatibilityMode? = nil) -> [CompatibilityFailure] {
        (mode ?? self.mode).check(candidate, against: versions.map { ($0.version, $0.schema) })
    }

    /// What `register` did.
    public enum Registration: Sendable {
        /// A version with the same canonical form exists already; nothing was written.
        case existing(RegisteredSchema)
        /// The schema passed the subject's mode and was written as this new version.
        case registered(RegisteredSchema)
        /// The schema failed the subject's mode; nothing was written.
        case rejected([CompatibilityFailure])
    }

    /// Registers schema text: parses it (throws `SchemaError` at `source`), returns the
    /// existing version when its canonical form is already registered, else checks it under
    /// the subject's mode and, when it passes, writes `v<latest+1>.avsc` with exactly these
    /// bytes (atomically and durably: a crash leaves the old registry or the whole new file).
    public func register(_ text: [UInt8], source: String) throws -> Registration {
        let schema = try AvroSchema.parse(text, source: source)
        if let same = version(withFingerprint: schema.fingerprint) { return .existing(same) }
        let failures = check(schema)
        guard failures.isEmpty else { return .rejected(failures) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileError(directory, "cannot create the subject directory")
        }
        let number = versions.count + 1
        let path = path(ofVersion: number)
        // Versions are never rewritten: another writer that got here first wins, we fail.
        guard !FileManager.default.fileExists(atPath: path) else {
            throw RegistryError(path, "exists already: the subject changed while registering; run again")
        }
        try AtomicFile.write(text, to: path, durable: true)
        return .registered(RegisteredSchema(version: number, path: path, text: text, schema: schema))
    }
}
