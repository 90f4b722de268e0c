// swift-tools-version:6.0
// Sluice: small Unix tools that stream Cap'n Proto records over pipes.
// Dependencies point one way: executables → ToolKit + domain libraries → Pipes → Schemas → Capnp.
import PackageDescription
#if os(Linux)
import Foundation
#endif

/// Release builds of the hot libraries skip exclusivity checks; bounds checks stay on.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

/// Kernels and Benchmarking: let LLVM use the vector ISA of the machine that builds them (FMA,
/// AVX2, AVX-512), like `-march=native`; Swift has no per-function multiversioning, so the
/// choice is made at build time. Guarded: only on x86-64 Linux whose /proc/cpuinfo lists avx2
/// and fma; elsewhere the default target is used and the code stays portable (plain SIMD
/// types). SLUICE_TARGET_CPU=<llvm cpu> overrides (e.g. `haswell` for a binary that must run
/// on any AVX2 machine), SLUICE_TARGET_CPU=none turns it off. SLUICE_AVX512 selects the
/// 16-lane micro-kernels and is defined only when the chosen CPU has AVX-512F.
let kernelSettings: [SwiftSetting] = hotPath + hostVectorSettings()

func hostVectorSettings() -> [SwiftSetting] {
    #if os(Linux) && arch(x86_64)
    let override = ProcessInfo.processInfo.environment["SLUICE_TARGET_CPU"]
    if override == "none" { return [] }
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return [] }
    let flags = Set(flagsLine.split(separator: " ").map(String.init))
    guard flags.contains("avx2"), flags.contains("fma") else { return [] }
    let cpu = override ?? "native"
    let avx512CPUs: Set<String> = ["skylake-avx512", "icelake-server", "sapphirerapids", "znver4", "znver5"]
    let hasAVX512 = cpu == "native" ? flags.contains("avx512f") : avx512CPUs.contains(cpu)
    var settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", cpu])]
    if hasAVX512 { settings.append(.define("SLUICE_AVX512")) }
    return settings
    #else
    return []
    #endif
}

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Capnp", targets: ["Capnp"]),
        .executable(name: "capnpc-swift", targets: ["capnpc-swift"]),
        .executable(name: "rec-cat", targets: ["rec-cat"]),
        .executable(name: "op-bench", targets: ["op-bench"]),
        .executable(name: "seq-encode", targets: ["seq-encode"]),
        .executable(name: "graph-opt", targets: ["graph-opt"]),
        .executable(name: "schema-migrate", targets: ["schema-migrate"]),
        .executable(name: "tile-plan", targets: ["tile-plan"]),
        .executable(name: "dq-check", targets: ["dq-check"]),
        .executable(name: "feat-etl", targets: ["feat-etl"]),
        .executable(name: "place-route", targets: ["place-route"]),
        .executable(name: "npu-sim", targets: ["npu-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        // Substrate
        .target(name: "Capnp", swiftSettings: hotPath),
        // Leaves every layer may use: the one error shape (where + what) and atomic file replacement.
        .target(name: "Diagnostics"),
        .target(name: "AtomicFiles", dependencies: ["Diagnostics"]),
        .executableTarget(name: "capnp-bench", dependencies: ["Capnp"], path: "Benchmarks/CapnpBench", swiftSettings: hotPath),
        .target(name: "CapnpCodegen", dependencies: ["Capnp"]),
        .executableTarget(name: "capnpc-swift", dependencies: ["CapnpCodegen"]),
        .target(name: "Schemas", dependencies: ["Capnp"]),
        .systemLibrary(name: "CNuma", path: "Sources/CNuma"),
        .target(name: "Pipes", dependencies: ["Capnp", "Schemas", "CNuma"], swiftSettings: hotPath),
        .target(name: "ToolKit", dependencies: [
            "Pipes", "Schemas", "Capnp", "AtomicFiles", "Diagnostics",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "RecCat", dependencies: ["ToolKit", "Pipes", "Capnp", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "rec-cat", dependencies: ["RecCat"]),

        // Accelerator compiler
        // Kernels is optimized even in debug builds, like GraphInterp, which runs its heavy
        // operators on it; it takes the window rule from GraphIR's ShapeRules.
        .target(name: "Kernels", dependencies: ["GraphIR"], swiftSettings: kernelSettings + [.unsafeFlags(["-O"])]),
        // Benchmarking: cases (suites, graph nodes), interleaved timing, roofline, bench records.
        .target(name: "Benchmarking", dependencies: ["Kernels", "OpCost", "Schemas", "Capnp", "GraphIR"], swiftSettings: kernelSettings),
        .target(name: "OpBench", dependencies: ["Benchmarking", "OpCost", "Kernels", "ToolKit", "Pipes", "Schemas", "Capnp", "GraphIR", "GraphIO",
                                                .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "op-bench", dependencies: ["OpBench"]),
        .target(name: "OnnxProto", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "GraphIR", dependencies: [.product(name: "HeapModule", package: "swift-collections")]),
        .target(name: "GraphIO", dependencies: ["GraphIR", "OnnxProto", "Pipes", "Schemas", "Capnp", "AtomicFiles", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // The interpreter is optimized even in debug builds: it is the numerical oracle that
        // `make test` runs on whole models, which would take minutes at -Onone. Its heavy
        // operators (conv, pooling, GEMM/MatMul, Resize, GridSample, softmax, norms) run on Kernels.
        .target(name: "GraphInterp", dependencies: ["GraphIR", "Kernels"], swiftSettings: hotPath + [.unsafeFlags(["-O"])]),
        .target(name: "GraphPasses", dependencies: ["GraphIR", "GraphInterp"]),
        .target(name: "GraphOpt", dependencies: ["GraphIR", "GraphIO", "GraphPasses", "GraphInterp", "ToolKit", "Pipes", "Schemas",
                                                 .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "graph-opt", dependencies: ["GraphOpt"]),
        // Chip stages
        // ChipArch: the accelerator as data (a leaf); OpCost: a node at concrete shapes as loops,
        // FLOPs and compulsory bytes (op-bench counts with it too); ArchRecords: the arch stream
        // and the presets' text; Tiling: the cost model and mapper (pure); TilePlan: tile-plan.
        .target(name: "ChipArch"),
        .target(name: "OpCost", dependencies: ["GraphIR"]),
        .target(name: "ArchRecords", dependencies: ["ChipArch", "Schemas", "Capnp"]),
        // Tiling is optimized even in debug builds: the mapper costs thousands of mappings per layer,
        // which the unit tests and golden cases run at -Onone otherwise.
        .target(name: "Tiling", dependencies: ["ChipArch", "OpCost", "GraphIR"], swiftSettings: hotPath + [.unsafeFlags(["-O"])]),
        .target(name: "TilePlan", dependencies: ["Tiling", "ChipArch", "ArchRecords", "OpCost", "GraphIR", "GraphIO", "ToolKit", "Pipes",
                                                 "Schemas", "Capnp", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "tile-plan", dependencies: ["TilePlan"]),
        // Placement: groups onto core regions in space and time, NoC routes, SRAM budgets (pure,
        // optimized like Tiling: the router runs Dijkstra thousands of times); PlaceRoute: place-route.
        .target(name: "Placement", dependencies: ["ChipArch", .product(name: "HeapModule", package: "swift-collections")],
                swiftSettings: hotPath + [.unsafeFlags(["-O"])]),
        .target(name: "PlaceRoute", dependencies: ["Placement", "Tiling", "OpCost", "ChipArch", "ArchRecords", "Diagnostics", "ToolKit", "Pipes", "Schemas", "Capnp",
                                                   .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "place-route", dependencies: ["PlaceRoute"]),
        // Simulation: the placed program as discrete events on cores, links and DRAM channels
        // (pure, optimized: millions of events per model); Systolic: one systolic array timed as
        // SCALE-Sim times it (closed formulas, a leaf); TiledExecution: every tile run on its
        // slice of the real tensors and compared with the interpreter; NpuSim: npu-sim.
        .target(name: "Simulation", dependencies: ["ChipArch", .product(name: "HeapModule", package: "swift-collections")], swiftSettings: hotPath + [.unsafeFlags(["-O"])]),
        .target(name: "Systolic"),
        .target(name: "TiledExecution", dependencies: ["GraphIR", "GraphInterp", "Kernels", "ChipArch"], swiftSettings: hotPath + [.unsafeFlags(["-O"])]),
        .target(name: "NpuSim", dependencies: ["Simulation", "Systolic", "TiledExecution", "Placement", "PlaceRoute", "ChipArch", "ArchRecords",
                                               "GraphIR", "GraphIO", "GraphInterp", "Diagnostics", "ToolKit", "Pipes", "Schemas", "Capnp", "AtomicFiles",
                                               .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "npu-sim", dependencies: ["NpuSim"]),

        // Recommendation data
        .target(name: "SeqCodec", swiftSettings: hotPath),
        .target(name: "SeqStore", dependencies: ["SeqCodec", "AtomicFiles", "Diagnostics"]),
        // The events and seq-blocks streams' record codecs (layout, batches), for any tool.
        .target(name: "EventRecords", dependencies: ["SeqCodec", "Pipes", "Schemas", "Capnp"]),
        .target(name: "SeqEncode", dependencies: ["EventRecords", "Columns", "SeqCodec", "SeqStore", "Schemas", "Capnp", "Pipes", "ToolKit",
                                                 .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "seq-encode", dependencies: ["SeqEncode"]),
        // Columns: typed column batches and the delimited-text parser (no I/O); TableRecords:
        // the table stream's record codecs and the lossless events ↔ table conversions.
        .target(name: "Columns", swiftSettings: hotPath),
        .target(name: "TableRecords", dependencies: ["Columns", "EventRecords", "SeqCodec", "Pipes", "Schemas", "Capnp"], swiftSettings: hotPath),
        // Schemas and migration
        // AvroSchemas: Avro schema JSON, canonical form, fingerprints, compatibility; pure.
        // SchemaRegistry: the registry's plain files (versions, config) on disk.
        // Migration: a schema version's rows rewritten to another's (steps, casts, expressions).
        .target(name: "AvroSchemas", dependencies: ["Diagnostics"]),
        .target(name: "SchemaRegistry", dependencies: ["AvroSchemas", "AtomicFiles", "Diagnostics"]),
        .target(name: "Migration", dependencies: ["Columns", "AvroSchemas"], swiftSettings: hotPath),
        .target(name: "SchemaMigrate", dependencies: ["AvroSchemas", "SchemaRegistry", "Migration", "Columns", "TableRecords", "EventRecords",
                                                     "ToolKit", "Pipes", "Schemas",
                                                     .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "schema-migrate", dependencies: ["SchemaMigrate"]),
        // Data quality
        // Profiling: per (column, segment) moments, histogram, KLL, HyperLogLog, frequent items,
        // sequence profiles; pure. ProfileRecords: the profile stream's record codecs.
        // Drift: exact drift statistics and AUC; QualityRules: rules files and their streaming
        // evaluation; DQReport: the HTML/SVG report (all three pure). DQCheck: dq-check's subcommands.
        .target(name: "Profiling", dependencies: ["Columns"], swiftSettings: hotPath + [.unsafeFlags(["-O"])]),
        .target(name: "ProfileRecords", dependencies: ["Profiling", "Columns", "Pipes", "Schemas", "Capnp"]),
        .target(name: "Drift", swiftSettings: hotPath),
        .target(name: "QualityRules", dependencies: ["Columns", "AvroSchemas"], swiftSettings: hotPath),
        .target(name: "DQReport"),
        .target(name: "DQCheck", dependencies: ["SeqStore", "Profiling", "ProfileRecords", "Drift", "QualityRules", "DQReport", "Columns", "TableRecords",
                                               "ToolKit", "Pipes", "Schemas", "Capnp",
                                               .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "dq-check", dependencies: ["DQCheck"]),
        // Features: spec, fit, hashes (xxh64, murmur3_32), transforms into tensors; pure. Built for
        // the host vector ISA like Kernels (eight xxh64 lanes per AVX-512 instruction).
        // FeatEtl: feat-etl's subcommands and the tensors stream writer.
        .target(name: "Features", dependencies: ["Columns", "AvroSchemas", "Diagnostics"], swiftSettings: kernelSettings),
        .target(name: "FeatEtl", dependencies: ["Features", "Columns", "TableRecords", "AvroSchemas", "ToolKit", "Pipes", "Schemas", "Capnp",
                                                .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "feat-etl", dependencies: ["FeatEtl"]),

        // Tests: TestSupport is what every test target shares (seeded generator, seeds from the
        // environment, NaN-aware error measures).
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "CapnpTests", dependencies: ["TestSupport", "Capnp"], exclude: ["Fixtures"]),
        .testTarget(name: "CodegenTests", dependencies: ["TestSupport", "CapnpCodegen", "Capnp", "Schemas"], exclude: ["Fixtures"]),
        .testTarget(name: "PipesTests", dependencies: ["TestSupport", "Pipes", "Capnp", "Schemas"]),
        .testTarget(name: "ToolKitTests", dependencies: ["TestSupport", "ToolKit", "Pipes", "Capnp", "Schemas"]),
        .testTarget(name: "KernelsTests", dependencies: ["TestSupport", "Kernels"]),
        .testTarget(name: "OpBenchTests", dependencies: ["TestSupport", "Benchmarking", "OpBench", "Kernels", "Schemas", "Capnp", "GraphIR", "ToolKit"]),
        .testTarget(name: "GraphTests", dependencies: ["TestSupport", "GraphIR", "GraphIO", "GraphInterp", "GraphPasses", "OnnxProto", "Capnp", "Schemas",
                                                  "GraphOpt", "ToolKit", "Pipes", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .testTarget(name: "SeqCodecTests", dependencies: ["TestSupport", "SeqCodec"]),
        .testTarget(name: "SeqStoreTests", dependencies: ["TestSupport", "SeqStore", "SeqCodec"]),
        .testTarget(name: "ColumnsTests", dependencies: ["TestSupport", "Columns", "Migration", "TableRecords", "EventRecords", "SeqCodec", "Schemas", "Capnp", "Pipes"]),
        .testTarget(name: "SeqEncodeTests", dependencies: ["TestSupport", "SeqEncode", "EventRecords", "SeqCodec"]),
        .testTarget(name: "AvroSchemasTests", dependencies: ["TestSupport", "AvroSchemas", "SchemaRegistry", "SchemaMigrate", "ToolKit", "AtomicFiles"]),
        .testTarget(name: "ProfilingTests", dependencies: ["TestSupport", "Profiling", "ProfileRecords", "DQCheck", "Columns", "TableRecords",
                                                     "ToolKit", "Pipes", "Schemas", "Capnp"]),
        .testTarget(name: "TilingTests", dependencies: ["TestSupport", "Tiling", "ChipArch", "OpCost", "ArchRecords", "TilePlan", "GraphIR",
                                                   "GraphIO", "ToolKit", "Pipes", "Schemas", "Capnp"]),
        .testTarget(name: "FeaturesTests", dependencies: ["TestSupport", "Features", "FeatEtl", "Columns", "TableRecords", "ToolKit", "Pipes", "Schemas", "Capnp", "AvroSchemas"]),
        .testTarget(name: "DQCheckTests", dependencies: ["TestSupport", "Drift", "QualityRules", "DQReport", "DQCheck", "Profiling", "Columns", "ToolKit"]),
        .testTarget(name: "TiledExecutionTests", dependencies: ["TestSupport", "TiledExecution", "GraphIR", "GraphInterp", "Kernels"]),
        .testTarget(name: "PlacementTests", dependencies: ["TestSupport", "Placement", "Tiling", "OpCost", "ChipArch", "PlaceRoute", "ToolKit", "Pipes", "Schemas", "Capnp"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation"]),
        .testTarget(name: "SystolicTests", dependencies: ["Systolic"]),
    ],
    swiftLanguageModes: [.v5]
)
