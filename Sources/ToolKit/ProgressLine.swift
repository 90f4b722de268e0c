#if canImport(Glibc)
import Glibc
#endif

/// Progress on stderr for long work: silent unless stderr is a terminal, and silent for the
/// first two seconds so short runs never print it. Updates are rate-limited to 10 per second.
public final class ProgressLine {
    private let tool: String
    private let enabled: Bool
    private let delay: Double
    private let output: (String) -> Void
    private let started = ProgressLine.now()
    private var lastShown = -Double.infinity
    private var shown = false

    /// - Parameters:
    ///   - enabled: default: whether stderr is a terminal.
    ///   - delay: seconds of work before the first line shows.
    ///   - output: where the control sequences go (default stderr; tests capture them).
    public init(tool: String, enabled: Bool = Terminal.stderrIsTerminal, delay: Double = 2,
                output: @escaping (String) -> Void = ToolRunner.writeToStandardError) {
        self.tool = tool
        self.enabled = enabled
        self.delay = delay
        self.output = output
    }

    /// Shows `message` (e.g. "1.2 GB, 300000 records") if enabled, after the delay, at most
    /// 10 times a second, overwriting the previous line. Cheap when disabled: one branch.
    public func update(_ message: @autoclosure () -> String) {
        guard enabled else { return }
        let t = ProgressLine.now()
        guard t - started >= delay, t - lastShown >= 0.1 else { return }
        lastShown = t
        shown = true
        output("\r\u{1B}[K\(tool): \(message())")
    }

    /// Clears the progress line (the runner calls this before printing anything else).
    public func clear() {
        guard shown else { return }
        shown = false
        output("\r\u{1B}[K")
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
