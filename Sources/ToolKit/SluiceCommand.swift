import ArgumentParser
import Diagnostics
import Capnp
import Pipes
#if canImport(Glibc)
import Glibc
#endif

/// The Sluice release every tool reports with `--version` (and writes into stream headers).
public enum Sluice {
    /// The version string.
    public static let version = "0.1.0"
}

/// A Sluice tool: an argument-parser command whose body gets a `ToolContext`.
///
/// ```swift
/// public struct Upper: SluiceCommand {
///     public static let configuration = CommandConfiguration(
///         commandName: "upper", abstract: "Copy a sample stream.", version: Sluice.version)
///     @OptionGroup public var common: CommonOptions
///     @OptionGroup var inputs: InputFiles
///     public init() {}
///     public func run(_ tool: ToolContext) throws {
///         let out = try tool.streamWriter(kind: .sample)
///         for path in inputs.paths {
///             let input = try tool.openStream(path, expecting: .sample)
///             while let frame = try input.next() { try out.writeRecord(copyingCurrentOf: input, root: frame) }
///         }
///         try out.finish()
///     }
/// }
/// // Sources/upper/main.swift:
/// Upper.main()
/// ```
/// The runner (`main()`) ignores SIGPIPE, parses, maps errors to one stderr line and an exit
/// status (0 ok, 1 runtime/data error, 2 usage error, 3 a check that failed (`ToolError.checkFailed`);
/// EPIPE on output = quiet 0), commits `-o` output only on success.
///
/// A tool with subcommands makes its root and each subcommand a `SluiceCommand` and lists the
/// subcommands in the root's `CommandConfiguration`; errors are reported under the root's name.
public protocol SluiceCommand: ParsableCommand {
    /// The shared options (`-o`, `--packed`, `--numa-node`).
    var common: CommonOptions { get }
    /// The tool's body. Throw `ToolError`, `PipesError`, `CapnpError` or `ValidationError`.
    func run(_ tool: ToolContext) throws
}

extension SluiceCommand {
    /// Runs the tool with the Sluice conventions and exits; call from main.swift.
    public static func main() {
        Glibc.exit(ToolRunner.run(Self.self, arguments: Array(CommandLine.arguments.dropFirst()), exiting: true))
    }
}

/// Runs `SluiceCommand`s: the only code that touches argv, stderr and the exit status.
public enum ToolRunner {
    /// Parses `arguments`, runs the command, prints at most one error line; returns the exit status.
    /// `errorLine` receives that line (default: written to stderr); tests capture it.
    /// `exiting`: the process exits right after (`main()`): what the tool kept with
    /// `ToolContext.keepUntilExit` is not freed.
    public static func run<C: SluiceCommand>(_ type: C.Type, arguments: [String], exiting: Bool = false,
                                             errorLine: @escaping (String) -> Void = writeToStandardError) -> Int32 {
        let report = { (tool: String, location: String, message: String) in
            errorLine(ToolRunner.line(tool, location, message))
        }
        // A closed reader must surface as EPIPE from write(2) (ended quietly below), not kill us.
        signal(SIGPIPE, SIG_IGN)
        keepFreedMemory()
        let name = C.configuration.commandName ?? "tool"
        let command: any SluiceCommand
        do {
            let parsed = try C.parseAsRoot(arguments)
            // A tool with subcommands (schema-migrate compat ...) gets the subcommand here.
            guard let tool = parsed as? any SluiceCommand else {
                // argument-parser's built-in `help` command (e.g. `tool help`): let it print.
                var builtin = parsed
                try builtin.run()
                return 0
            }
            command = tool
        } catch {
            let code = C.exitCode(for: error)
            if code == .success {  // --help, --version
                print(C.fullMessage(for: error))
                return 0
            }
            report(name, "usage", C.message(for: error) + " (see '\(name) --help')")
            return ToolError.usageStatus
        }
        let version = C.configuration.version.isEmpty ? Sluice.version : C.configuration.version
        var context: ToolContext?
        do {
            let tool = try ToolContext(name: name, version: version, arguments: arguments, options: command.common)
            context = tool
            try command.run(tool)
            tool.progress.clear()
            try tool.commit()
            if exiting { _ = Unmanaged.passRetained(tool) }  // freed by exit(2), not object by object
            return 0
        } catch {
            context?.progress.clear()
            context?.abort()
            return status(for: error, tool: name, source: context?.currentSource, report: report)
        }
    }

    /// A streaming tool frees and allocates batch buffers of the same sizes over and over. By
    /// default glibc hands large freed blocks back to the kernel (munmap, heap trimming), and
    /// every next batch faults its pages in afresh, zeroed: measured at about a third of
    /// `schema-migrate apply`'s time. Keeping freed memory in the heap (blocks up to 32 MiB from
    /// the heap, no trimming) trades a process's peak footprint staying resident for that.
    static func keepFreedMemory() {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not export.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-3, 32 << 20)        // M_MMAP_THRESHOLD: blocks up to 32 MiB come from the heap
        _ = mallopt(-1, Int32.max)       // M_TRIM_THRESHOLD: never give the heap's top back
        #endif
    }

    /// Maps an error to the exit status and reports its one line.
    static func status(for error: Error, tool: String, source: String?,
                       report: (String, String, String) -> Void) -> Int32 {
        switch error {
        case let e as PipesError:
            if e.kind == .brokenPipe { return 0 }
            report(tool, e.source, e.message)
            return e.kind == .invalidArgument ? ToolError.usageStatus : ToolError.runtimeStatus
        case let e as ToolError:
            report(tool, e.location, e.message)
            return e.status
        case let e as CapnpError:
            report(tool, source ?? "input", e.message)
            return ToolError.runtimeStatus
        case let e as LocatedError:   // every module's typed error (StoreError, FileError, ...)
            report(tool, e.location, e.reason)
            return e.isUsageError ? ToolError.usageStatus : ToolError.runtimeStatus
        case let e as ValidationError:
            report(tool, "usage", e.message)
            return ToolError.usageStatus
        case let e as ExitCode:
            return e.rawValue
        default:
            report(tool, "error", String(describing: error))
            return ToolError.runtimeStatus
        }
    }

    /// `tool: where: what` as one line with its newline (newlines inside `what` become spaces).
    public static func line(_ tool: String, _ location: String, _ message: String) -> String {
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "\(tool): \(location): \(oneLine)\n"
    }

    /// Writes a line to standard error with one `write(2)`.
    public static func writeToStandardError(_ line: String) {
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}
