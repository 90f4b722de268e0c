import CapnpCodegen
import Foundation
import Testing
import TestSupport

/// The generator itself: what it refuses, how it names things, and the plugin's exit status.
@Suite struct GeneratorTests {
    /// Writes schema files into a fresh directory and returns the request capnp hands a plugin.
    static func request(_ files: [String: String]) throws -> Schema.Request {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("codegen-gen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return try Peers.request(for: files.keys.sorted().map { dir.appendingPathComponent($0).path }, importPath: dir.path)
    }

    static func refusal(_ files: [String: String]) throws -> CodegenError? {
        do {
            _ = try CodeGenerator.generate(try request(files))
            return nil
        } catch let e as CodegenError {
            return e
        }
    }

    @Test func refusesInterfaces() throws {
        let e = try #require(try Self.refusal(["calc.capnp": "@0xb1a2c3d4e5f60708;\ninterface Calculator { add @0 (a :Int32) -> (b :Int32); }\n"]))
        #expect(e.message.hasPrefix("interface Calculator (@0x"))
        #expect(e.file == "calc.capnp")
        #expect(e.message.hasSuffix("): interfaces are not supported"))
    }

    @Test func refusesFieldsOfInterfaceType() throws {
        let e = try #require(try Self.refusal(["cap.capnp": "@0xb1a2c3d4e5f60709;\ninterface Cap {}\nstruct S { c @0 :Cap; }\n"]))
        #expect(e.message.contains("interface"))
        #expect(e.message.contains("not supported"))
    }

    @Test func refusesGenerics() throws {
        let e = try #require(try Self.refusal(["gen.capnp": "@0xb1a2c3d4e5f6070a;\nstruct Box(T) { value @0 :T; }\n"]))
        #expect(e.file == "gen.capnp")
        #expect(e.message.hasPrefix("struct Box (@0x"))
        #expect(e.message.hasSuffix("): generic types are not supported"))
    }

    @Test func refusesTopLevelNameClashesAcrossFiles() throws {
        let e = try #require(try Self.refusal([
            "a.capnp": "@0xb1a2c3d4e5f6070b;\nstruct Thing { x @0 :Int8; }\n",
            "b.capnp": "@0xb1a2c3d4e5f6070c;\nstruct Thing { y @0 :Int8; }\n",
        ]))
        #expect(e.file == "b.capnp")
        #expect(e.message.contains("Thing is also declared by a.capnp"))
    }

    @Test func namesAvoidKeywordsAndGeneratedMembers() throws {
        let files = try CodeGenerator.generate(try Self.request([
            "k.capnp": """
            @0xb1a2c3d4e5f6070d;
            struct Type { self @0 :Int8; }
            struct Text { protocol @0 :Int8; }
            struct User {
              annotation @0 :Int8;
              reader @1 :Text;
              hasReader @2 :Bool;
              struct Annotation { x @0 :Int8; }
              group :group { for @3 :Int8; }
            }
            enum Kind { rawValue @0; description @1; init @2; }
            """,
        ]))
        let k = try #require(files.first { $0.path == "k.capnp.swift" }).contents
        #expect(k.contains("public enum Type_ {"))
        #expect(k.contains("public enum Text_ {"))
        #expect(k.contains("public var self_: Int8"))
        #expect(k.contains("public var `protocol`: Int8"))
        #expect(k.contains("public var reader: Text_.Reader"))
        #expect(k.contains("public var hasReader_: Bool"))      // clashes with the field hasReader
        #expect(k.contains("public var hasReader: Bool"))
        #expect(k.contains("public enum Group {"))
        #expect(k.contains("public var `for`: Int8"))
        #expect(k.contains("public static let rawValue_ = Kind(rawValue: 0)"))
        #expect(k.contains("public static let description_ = Kind(rawValue: 1)"))
        #expect(k.contains("public static let init_ = Kind(rawValue: 2)"))
        let registry = try #require(files.first { $0.path == CodeGenerator.registryFileName }).contents
        #expect(registry.contains("\"Type\": { try Type_.Reader($0).render(into: &$1) }"))
    }

    @Test func pluginExitsOneWithOneLine() throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var plugin = bin.appendingPathComponent("capnpc-swift")
        if !FileManager.default.fileExists(atPath: plugin.path) {
            // swift-testing may run from a bundle inside the build directory.
            plugin = bin.deletingLastPathComponent().appendingPathComponent("capnpc-swift")
        }
        try #require(FileManager.default.fileExists(atPath: plugin.path), "capnpc-swift not built next to the tests: \(plugin.path)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("codegen-plugin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "@0xb1a2c3d4e5f6070e;\ninterface Svc {}\n".write(to: dir.appendingPathComponent("svc.capnp"), atomically: true, encoding: .utf8)
        let r = try Peers.run(["capnp", "compile", "--no-standard-import", "-o\(plugin.path):\(dir.path)", "svc.capnp"], directory: dir)
        #expect(r.status != 0)
        let pluginLine = r.stderr.split(separator: "\n").first { $0.hasPrefix("capnpc-swift:") }
        #expect(pluginLine?.hasPrefix("capnpc-swift: svc.capnp: interface Svc (@0x") == true, "stderr: \(r.stderr)")
        #expect(pluginLine?.hasSuffix("): interfaces are not supported") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["svc.capnp"])   // nothing written
    }

    @Test func malformedRequestIsAnErrorNotATrap() throws {
        #expect(throws: (any Error).self) { try PluginIO.decodeRequest([]) }
        #expect(throws: (any Error).self) { try PluginIO.decodeRequest([0, 0, 0, 0, 255, 255, 255, 0]) }
    }
}

/// A damaged CodeGeneratorRequest is an error, never a trap or a hang.
@Suite struct MalformedRequestTests {
    @Test func mutatedRequestsThrowOrGenerate() throws {
        let dir = Peers.fixtures.path
        let r = try Peers.run(["capnp", "compile", "-I", dir, "--src-prefix=\(dir)", "-o-", "\(dir)/ledger.capnp"])
        #expect(r.status == 0)
        let good = r.stdout
        #expect(try !CodeGenerator.generate(try PluginIO.decodeRequest(good)).isEmpty)
        var rng = TestSeed.generator("GeneratorTests.mutatedRequestsThrowOrGenerate", default: 7)
        var rejected = 0
        for _ in 0..<60 {
            var bytes = good
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            do {
                _ = try CodeGenerator.generate(try PluginIO.decodeRequest(bytes))
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 0)
    }
}
