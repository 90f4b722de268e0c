import ArgumentParser
import AvroSchemas
import Columns
import Foundation
import Migration
import SchemaRegistry
import TableRecords
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
        var reader = TableInput(tool: tool, options: input, format: format)
        if format == .text, let f = from, let v = subject.version(f) {
            reader.schema = try columns { try AvroTable.target(v.schema, subject: subject.name, version: f).schema }
        }
        var plans: [MigrationPlan] = []
        var out: TableStreamWriter? = nil
        var losses = LossCounts()
        do {
            try reader.read(inputs.paths, onSchema: { rows in
                plans = try plan(subject, rows: rows, goal: goal)
                out = TableStreamWriter(try tool.streamWriter(kind: .table), schema: plans.last?.target ?? rows)
            }) { batch in
                var b = batch
                for p in plans { b = try p.apply(b, losses: &losses) }
                try out!.write(b)
            }
        } catch let e as LossyCastError {
            throw ToolError.checkFailed("apply", "\(e) after \(out?.rows ?? 0) rows")
        }
        for (name, n) in losses.entries {
            ToolRunner.writeToStandardError(ToolRunner.line("schema-migrate", "apply", "\(name): \(n) row\(n == 1 ? "" : "s")"))
        }
        try out!.finish(counts: losses.entries)
    }

    /// The hops from the rows' version to `goal`, each checked against the registry's schemas.
    func plan(_ subject: RegistrySubject, rows: TableSchema, goal: Int) throws -> [MigrationPlan] {
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
                let input = try readSpec(specPath)
                steps = try columns { try MigrationSpec.parse(Data(input), source: specPath) }
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

    private func readSpec(_ path: String) throws -> [UInt8] { try InputFile(path: path).readAll() }
}
