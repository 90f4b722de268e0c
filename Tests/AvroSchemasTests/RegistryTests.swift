import Foundation
import Testing
import AvroSchemas
import AtomicFiles
@testable import SchemaRegistry

/// The registry's files: versions, config, lookups, registration and its refusals.
struct RegistryTests {
    let root: String

    init() {
        var template = Array("/tmp/avro-registry-test-XXXXXX".utf8CString)
        root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    func write(_ relative: String, _ text: String) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(Array(text.utf8), to: path, durable: false)
    }

    let v1 = #"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}"#
    let v2 = #"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "long"}, {"name": "b", "type": "string", "default": ""}]}"#
    let bad = #"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "long"}, {"name": "c", "type": "string"}]}"#

    @Test func registerCheckAndLookUp() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let registry = SchemaRegistry(directory: root)
        var subject = try registry.subject("events")
        #expect(subject.versions.isEmpty && subject.mode == .backward)

        guard case .registered(let first) = try subject.register(Array(v1.utf8), source: "v1") else { Issue.record("v1 not registered"); return }
        #expect(first.version == 1 && FileManager.default.contents(atPath: root + "/events/v1.avsc") == Data(v1.utf8))
        subject = try registry.subject("events")
        guard case .registered(let second) = try subject.register(Array(v2.utf8), source: "v2") else { Issue.record("v2 not registered"); return }
        #expect(second.version == 2)

        subject = try registry.subject("events")
        #expect(subject.versions.map(\.version) == [1, 2])
        #expect(subject.latest?.version == 2)
        #expect(subject.version(withFingerprint: try AvroSchema.parse(v1, source: "x").fingerprint)?.version == 1)
        #expect(subject.version(withFingerprint: 42) == nil)

        // The same schema again, respelled: the existing version, nothing written.
        guard case .existing(let same) = try subject.register(Array(v2.replacingOccurrences(of: " ", with: "").utf8), source: "again") else {
            Issue.record("respelled v2 not recognised"); return
        }
        #expect(same.version == 2)

        // Incompatible under BACKWARD: rejected, nothing written.
        guard case .rejected(let failures) = try subject.register(Array(bad.utf8), source: "bad") else { Issue.record("bad accepted"); return }
        #expect(failures.flatMap(\.lines) == ["v2 (backward): fields[1]: reader field 'c' is not in the writer and has no default"])
        #expect(!FileManager.default.fileExists(atPath: root + "/events/v3.avsc"))

        // Under NONE it goes in.
        try write("events/config.json", #"{"compatibility": "NONE"}"#)
        try FileManager.default.createDirectory(atPath: root + "/events/migrations", withIntermediateDirectories: true)
        try write("events/migrations/v1-to-v2.json", "{}")
        subject = try registry.subject("events")
        #expect(subject.mode == CompatibilityMode.none)
        guard case .registered(let third) = try subject.register(Array(bad.utf8), source: "bad") else { Issue.record("NONE refused"); return }
        #expect(third.version == 3)
    }

    @Test func malformedRegistriesAreLocatedErrors() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let registry = SchemaRegistry(directory: root)
        #expect(throws: RegistryError.self) { try registry.subject("../etc") }
        #expect(throws: RegistryError.self) { try SchemaRegistry(directory: root + "/missing").subject("s") }

        try write("gap/v1.avsc", v1)
        try write("gap/v3.avsc", v1)
        #expect(throws: RegistryError(root + "/gap", "version v2.avsc is missing (found v3.avsc)")) { try registry.subject("gap") }

        try write("mode/config.json", #"{"compatibility": "SIDEWAYS"}"#)
        #expect(throws: RegistryError.self) { try registry.subject("mode") }

        try write("broken/v1.avsc", #"{"type": "recrd"}"#)
        #expect(throws: SchemaError.self) { try registry.subject("broken") }

        try write("named/v01.avsc", v1)
        #expect(throws: RegistryError.self) { try registry.subject("named") }
    }
}
