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
