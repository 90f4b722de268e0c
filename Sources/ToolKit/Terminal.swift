#if canImport(Glibc)
import Glibc
#endif

/// Terminal checks: tools print text instead of frames to a terminal, progress only to one.
public enum Terminal {
    /// True when `fd` is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
    /// True when standard output is a terminal (and not redirected with -o).
    public static var stdoutIsTerminal: Bool { isTerminal(1) }
    /// True when standard error is a terminal.
    public static var stderrIsTerminal: Bool { isTerminal(2) }
}

/// Progress on stderr for long work: silent unless stderr is a terminal, and silent for the
/// first two seconds so short runs never print it. Updates are rate-limited to 10 per second.
public final class Progress {
    private let tool: String
    private let enabled: Bool
    private let started = Progress.now()
    private var lastShown = 0.0
    private var shown = false

    public init(tool: String, enabled: Bool = Terminal.stderrIsTerminal) {
        self.tool = tool
        self.enabled = enabled
    }

    /// Shows `message` (e.g. "1.2 GB, 300000 records") if enabled, after 2 s, at most 10 Hz.
    /// Cheap when disabled: one branch.
    public func update(_ message: @autoclosure () -> String) {
        guard enabled else { return }
        let t = Progress.now()
        guard t - started >= 2, t - lastShown >= 0.1 else { return }
        lastShown = t
        shown = true
        let line = "\r\u{1B}[K\(tool): \(message())"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }

    /// Clears the progress line (the runner calls this before printing anything else).
    public func clear() {
        guard shown else { return }
        shown = false
        let s = "\r\u{1B}[K"
        _ = s.withCString { write(2, $0, strlen($0)) }
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
