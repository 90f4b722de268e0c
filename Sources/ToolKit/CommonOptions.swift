import ArgumentParser

/// Options every Sluice tool accepts. Add to a command with `@OptionGroup var common: CommonOptions`.
public struct CommonOptions: ParsableArguments {
    /// `-o FILE`: write to a temporary file beside FILE, renamed into place only on success.
    @Option(name: [.customShort("o"), .customLong("output")],
            help: ArgumentHelp("Write output to <file>: a temporary file beside it is renamed into place only on success.", valueName: "file"))
    public var output: String?

    /// `--packed`: packed Cap'n Proto framing for stream input and output.
    @Flag(name: .customLong("packed"), help: "Read and write packed Cap'n Proto framing.")
    public var packed: Bool = false

    /// `--numa-node N`: allocate I/O buffers on NUMA node N (default: SLUICE_NUMA_NODE, else the current CPU's node).
    @Option(name: .customLong("numa-node"),
            help: ArgumentHelp("Allocate I/O buffers on NUMA node <n> (default: $SLUICE_NUMA_NODE, else the node of the current CPU).", valueName: "n"))
    public var numaNode: Int?

    public init() {}

    /// The defaults, parsed from no arguments: for a command that reads and writes no streams
    /// (a report-only subcommand) and so offers none of these options. An unparsed
    /// `CommonOptions()` cannot be read (argument-parser traps on unparsed properties).
    public static var defaults: CommonOptions {
        do { return try parse([]) } catch { preconditionFailure("CommonOptions has a default for every option: \(error)") }
    }
}

/// Positional input files; none, or `-`, means stdin. Add with `@OptionGroup var inputs: InputFiles`.
public struct InputFiles: ParsableArguments {
    @Argument(help: ArgumentHelp("Input files; none, or -, means standard input.", valueName: "file"))
    public var files: [String] = []

    public init() {}

    /// The inputs to read: the files given, or `["-"]` for stdin.
    public var paths: [String] { files.isEmpty ? ["-"] : files }
}
