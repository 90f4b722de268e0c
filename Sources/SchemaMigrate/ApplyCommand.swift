import ArgumentParser
import AvroSchemas
import Columns
import Foundation
import Migration
import SchemaRegistry
import TableRecords
import Pipes
import Schemas
import ToolKit

/// `schema-migrate apply --registry DIR --subject S --to V`: rewrites a table stream written
/// under an earlier version of S to version V, hop by hop (v3 → v4 → v5), batch by batch.
struct ApplyCommand: SluiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Rewrite a table stream from the version it was written under to a later one.",
        discussion: "The rows' version is found by their schema's fingerprint (or --from). Each hop runs the steps of DIR/<subject>/migrations/v<N>-to-v<N+1>.json if present, then Avro's resolution (renames by sluice.id or alias, promotions, defaults, drops). Lossy conversions are counted in the trailer and on stderr; a cast with policy fail that meets one stops with exit 3.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var input: TableInputOptions
    @OptionGroup var inputs: InputFiles
    @OptionGroup var registry: RegistryOptions

    @Option(help: ArgumentHelp("The version to migrate to (default: the latest).", valueName: "n"))
    var to: Int?

    @Option(help: ArgumentHelp("The version the rows were written under, when their stream does not say (events, text).", valueName: "n"))
    var from: Int?

    func run(_ tool: ToolContext) throws {
        let subject = try registry.loadSubject()
        guard let latest = subject.latest else { throw ToolError("--subject", "subject \(subject.name) has no versions") }
        let goal = to ?? latest.version
        guard subject.version(goal) != nil else { throw ToolError("--to", "subject \(subject.name) has no version \(goal) (latest: v\(latest.version))") }
        let format = input.inputFormat ?? .stream
        var losses = LossCounts()
        var out: RecordStreamWriter? = nil
        var rowsWritten = 0
        do {
            if format == .stream {
                try migrateStreams(subject, goal: goal, tool, losses: &losses, out: &out, rows: &rowsWritten)
            } else {
                try migrateText(subject, goal: goal, tool, losses: &losses, out: &out, rows: &rowsWritten)
            }
        } catch let e as LossyCastError {
            throw ToolError.checkFailed("apply", "\(e) after \(rowsWritten) rows")
        } catch let e as ColumnsError {
            throw ToolError("input", e.message)
        }
        for (name, n) in losses.entries {
            ToolRunner.writeToStandardError(ToolRunner.line("schema-migrate", "apply", "\(name): \(n) row\(n == 1 ? "" : "s")"))
        }
        out!.trailerCounts = losses.entries
        try out!.finish()
    }

    /// Table, events or seq-blocks streams, record by record through `StreamMigrator`.
    private func migrateStreams(_ subject: RegistrySubject, goal: Int, _ tool: ToolContext, losses: inout LossCounts,
                                out: inout RecordStreamWriter?, rows: inout Int) throws {
        var migrator: StreamMigrator? = nil
        for path in inputs.paths {
            let source = path == "-" ? "stdin" : path
            let stream = try tool.openStream(path, resolve: { try TableStreamReader.resolve($0, source: source) })
            guard stream.kind.name == StreamKind.table.name else {
                // Events and seq-blocks convert through column batches; no wire form to keep.
                let reader = TableStreamReader(stream, timeUnit: input.timeUnit)
                let rowsSchema = try reader.readSchema()
                let plans = try start(subject, rows: rowsSchema, goal: goal, tool, out: &out, migrator: &migrator)
                while let batch = try reader.next() { rows += try Self.write(batch, through: plans, to: out!, losses: &losses) }
                continue
            }
            var schema: Columns.TableSchema? = nil
            while let root = try stream.next() {
                switch try TableFrame.Reader(root).which() {
                case .rowSchema(let r):
                    guard schema == nil else { throw ToolError(stream.source, "record \(stream.recordCount - 1): a second schema record") }
                    let s = try TableSchemaRecord.read(r)
                    schema = s
                    _ = try start(subject, rows: s, goal: goal, tool, out: &out, migrator: &migrator)
                case .batch(let b):
                    guard schema != nil, let m = migrator else { throw ToolError(stream.source, "record \(stream.recordCount - 1): a batch before the schema record") }
                    do {
                        try out!.writeRecord { root in try m.migrate(b, into: TableFrame.Builder(root).initBatch(), losses: &losses) }
                    } catch let e as ColumnsError {
                        throw ToolError(stream.source, "record \(stream.recordCount - 1): \(e.message)")
                    }
                    rows += Int(b.rows)
                default:
                    throw ToolError(stream.source, "record \(stream.recordCount - 1): not a schema or batch record")
                }
            }
            if schema == nil { throw ToolError(stream.source, "no schema record") }
        }
    }

    /// Delimited text read as the `--from` version (or inferred), then migrated batch by batch.
    private func migrateText(_ subject: RegistrySubject, goal: Int, _ tool: ToolContext, losses: inout LossCounts,
                             out: inout RecordStreamWriter?, rows: inout Int) throws {
        var reader = TableInput(tool: tool, options: input, format: .text)
        if let f = from, let v = subject.version(f) {
            reader.schema = try columns { try AvroTable.target(v.schema, subject: subject.name, version: f).schema }
        }
        var plans: [MigrationPlan] = []
        var migrator: StreamMigrator? = nil
        try reader.read(inputs.paths, onSchema: { s in plans = try start(subject, rows: s, goal: goal, tool, out: &out, migrator: &migrator) }) { batch in
            rows += try Self.write(batch, through: plans, to: out!, losses: &losses)
        }
    }

    /// A decoded batch through every hop, written as one batch record; returns its rows.
    private static func write(_ batch: ColumnBatch, through plans: [MigrationPlan], to out: RecordStreamWriter,
                              losses: inout LossCounts) throws -> Int {
        var b = batch
        for p in plans { b = try p.apply(b, losses: &losses) }
        try out.writeRecord { root in TableBatchRecord.write(b, into: TableFrame.Builder(root).initBatch()) }
        return b.rows
    }

    /// Plans the hops for the first input (later inputs must have the same columns), and opens
    /// the output with the goal version's schema record.
    private func start(_ subject: RegistrySubject, rows: Columns.TableSchema, goal: Int, _ tool: ToolContext,
                       out: inout RecordStreamWriter?, migrator: inout StreamMigrator?) throws -> [MigrationPlan] {
        if let m = migrator {
            guard TableInput.sameColumns(m.source, rows) else { throw ToolError("input", "its columns differ from the first input's") }
            return m.plans
        }
        let plans = try plan(subject, rows: rows, goal: goal, tool)
        let m = StreamMigrator(plans: plans, source: plans.first?.source ?? rows)
        migrator = m
        let writer = try tool.streamWriter(kind: .table)
        let target = plans.last?.target ?? m.source
        try writer.writeRecord { root in TableSchemaRecord.write(target, into: TableFrame.Builder(root).initRowSchema()) }
        out = writer
        return plans
    }

    /// The hops from the rows' version to `goal`, each checked against the registry's schemas.
    func plan(_ subject: RegistrySubject, rows: Columns.TableSchema, goal: Int, _ tool: ToolContext) throws -> [MigrationPlan] {
        let start: RegisteredSchema
        if let f = from {
            guard let v = subject.version(f) else { throw ToolError("--from", "subject \(subject.name) has no version \(f)") }
            start = v
        } else {
            guard rows.fingerprint != 0 else {
                throw ToolError("input", "the rows name no registry schema (fingerprint 0); give --from")
            }
            guard let v = subject.version(withFingerprint: rows.fingerprint) else {
                throw ToolError("input", "the rows' schema fingerprint \(AvroFingerprint.hex(rows.fingerprint)) is no version of subject \(subject.name)")
            }
            start = v
        }
        guard start.version <= goal else {
            throw ToolError("--to", "the rows are v\(start.version); apply migrates forward only, not to v\(goal)")
        }
        var current = try columns { try AvroTable.target(start.schema, subject: subject.name, version: start.version).schema }
        guard TableInput.sameColumns(current, rows) else {
            throw ToolError("input", "the rows' columns (\(ImportCommand.describe(rows))) are not \(subject.name) v\(start.version)'s (\(ImportCommand.describe(current)))")
        }
        var plans: [MigrationPlan] = []
        for hop in start.version..<goal {
            let next = subject.version(hop + 1)!
            let target = try columns { try AvroTable.target(next.schema, subject: subject.name, version: next.version) }
            let specPath = (subject.migrationsDirectory as NSString).appendingPathComponent("v\(hop)-to-v\(hop + 1).json")
            var steps: [MigrationStep] = []
            if FileManager.default.fileExists(atPath: specPath) {
                let spec = try SchemaFile.read(specPath, tool)
                steps = try columns { try MigrationSpec.parse(Data(spec.bytes), source: specPath) }
            }
            let p: MigrationPlan
            do { p = try MigrationPlan(source: current, explicit: steps, target: target) } catch let e as ColumnsError {
                throw ToolError("v\(hop)-to-v\(hop + 1)", e.message)
            }
            plans.append(p)
            current = p.target
        }
        return plans
    }
}
