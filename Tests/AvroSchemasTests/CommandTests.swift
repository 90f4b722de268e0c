import Foundation
import Testing
import AtomicFiles
import ToolKit
@testable import SchemaMigrate

/// Exit statuses and error lines of the subcommands, through the same runner `main` uses.
/// (Golden cases under Tests/Golden/schema-migrate check the stdout text.)
struct CommandTests {
    let root: String

    init() {
        var template = Array("/tmp/schema-migrate-test-XXXXXX".utf8CString)
        root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = root + "/" + name
        try AtomicFile.write(Array(text.utf8), to: path, durable: false)
        return path
    }

    func run(_ arguments: [String]) -> (status: Int32, errors: [String]) {
        var errors: [String] = []
        let status = ToolRunner.run(SchemaMigrate.self, arguments: arguments) { errors.append($0) }
        return (status, errors)
    }

    @Test func statusesZeroOneTwoThree() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let int = try file("int.avsc", #""int""#)
        let long = try file("long.avsc", #""long""#)
        let broken = try file("broken.avsc", #"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "strng"}]}"#)

        #expect(run(["compat", "--reader", long, "--writer", int]).status == 0)
        let failed = run(["compat", "--reader", int, "--writer", long])
        #expect(failed.status == ToolError.checkFailedStatus)
        #expect(failed.errors == ["schema-migrate: \(int): cannot read data written with \(long): 1 incompatibility\n"])
        #expect(run(["compat", "--reader", broken, "--writer", int]).errors == ["schema-migrate: \(broken): fields[0].type: unknown type 'strng'\n"])
        #expect(run(["compat", "--reader", broken, "--writer", int]).status == 1)
        #expect(run(["compat", "--reader", root + "/none.avsc", "--writer", int]).status == 1)
        #expect(run(["compat", "--reader", int]).status == 2)
        #expect(run([]).status == 2)
        #expect(run(["check", "--registry", root, "--subject", "s", "--mode", "SIDEWAYS", int]).status == 2)
        #expect(run(["check", "--registry", root, "--subject", "../s", int]).status == 2)
        #expect(run(["fingerprint", int, long]).status == 0)
    }

    @Test func registerThenCheck() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let int = try file("int.avsc", #""int""#)
        let long = try file("long.avsc", #""long""#)
        let registry = root + "/reg"
        try FileManager.default.createDirectory(atPath: registry, withIntermediateDirectories: false)
        #expect(run(["register", "--registry", registry, "--subject", "n", int]).status == 0)
        // long reads int data: BACKWARD passes; FORWARD (int reading long data) does not.
        #expect(run(["check", "--registry", registry, "--subject", "n", long]).status == 0)
        #expect(run(["check", "--registry", registry, "--subject", "n", "--mode", "FORWARD", long]).status == 3)
        #expect(run(["register", "--registry", registry, "--subject", "n", long]).status == 0)
        #expect(run(["register", "--registry", registry, "--subject", "n", int]).status == 0)  // existing v1
        let strings = try file("string.avsc", #""string""#)
        #expect(run(["register", "--registry", registry, "--subject", "n", strings]).status == 3)
        #expect(!FileManager.default.fileExists(atPath: registry + "/n/v3.avsc"))
    }
}
