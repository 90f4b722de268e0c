import Capnp
import Testing
import TestSupport

/// Generated Readers and the renderer on damaged input: errors are thrown, never traps, hangs
/// or unbounded output.
@Suite struct MalformedInputTests {
    /// Renders every style and walks every union; returns whether it got through without error.
    static func exercise(_ bytes: [UInt8]) -> Bool {
        do {
            let frames = try Frames(bytes)
            defer { withExtendedLifetime(frames) {} }
            for style in [TextRenderer.Style.capnpPretty, .capnpText, .json] {
                _ = try renderStream(frames, as: Everything.Reader.self, style: style)
            }
            for m in frames.messages {
                let e = try m.root(as: Everything.Reader.self)
                _ = try e.which()
                _ = try e.choice.which()
            }
            return true
        } catch {
            return false
        }
    }

    @Test func randomMutationsThrowOrRender() throws {
        let good = try Peers.encode(EverythingValues.text) + Peers.encode(EverythingValues.text, segmentSize: 16)
        #expect(Self.exercise(good))
        var rng = TestSeed.generator("MalformedInputTests.randomMutationsThrowOrRender", default: 0x5EED)
        var failures = 0
        for _ in 0..<300 {
            var bytes = good
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes[i] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                default: bytes[i] = 0xFF
                }
            }
            if !Self.exercise(bytes) { failures += 1 }
        }
        // Some mutations must have been caught as errors (the test would be vacuous otherwise).
        #expect(failures > 0)
    }

    @Test func everyTruncationThrows() throws {
        let good = try Peers.encode(EverythingValues.text)
        for n in stride(from: 0, to: good.count, by: 7) where n > 0 {
            #expect(!Self.exercise(Array(good[0..<n])))
        }
    }
}
