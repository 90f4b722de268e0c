import Foundation
import AvroSchemas

/// A schema registry kept as plain files a person reviews in a pull request:
///
/// ```
/// DIR/<subject>/v1.avsc, v2.avsc, ...   the versions, Avro schema JSON, never rewritten
/// DIR/<subject>/config.json             {"compatibility": "BACKWARD"} (BACKWARD when absent)
/// DIR/<subject>/migrations/             migration specs between versions (read by `apply`)
/// ```
///
/// Anything else in a subject directory is left alone, so a README or the migrations folder
/// does not disturb loading.
public struct SchemaRegistry: Sendable {
    /// The registry's root directory.
    public let directory: String

    /// A registry rooted at `directory` (nothing is read until a subject is loaded).
    public init(directory: String) { self.directory = directory }

    /// Loads a subject: its config and every version. A subject with no directory yet is
    /// empty (version 0), so the first `register` creates it.
    /// Throws `RegistryError`, `SchemaError` (a stored version that does not parse) or `FileError`.
    public func subject(_ name: String) throws -> RegistrySubject {
        try Self.checkSubjectName(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RegistryError(directory, "no such registry directory")
        }
        let subjectDirectory = (directory as NSString).appendingPathComponent(name)
        return try RegistrySubject(name: name, directory: subjectDirectory)
    }

    /// Subject names become directory names: letters, digits, `.`, `_` and `-`, not starting
    /// with a dot (so `..` and hidden files cannot be named).
    static func checkSubjectName(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2e || c == 0x5f || c == 0x2d
        }
        guard !name.isEmpty, allowed, !name.hasPrefix(".") else {
            throw RegistryError("--subject", "'\(name)' is not a subject name (letters, digits, '.', '_', '-'; not starting with '.')", usage: true)
        }
    }
}
