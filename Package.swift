// swift-tools-version:6.0
// Sluice: small Unix tools that stream Cap'n Proto records over pipes.
// Dependencies point one way: executables → ToolKit + domain libraries → Pipes → Schemas → Capnp.
import PackageDescription

/// Release builds of the hot libraries skip exclusivity checks; bounds checks stay on.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // Substrate
        .target(name: "Capnp", swiftSettings: hotPath),
        .executableTarget(name: "capnp-bench", dependencies: ["Capnp"], path: "Benchmarks/CapnpBench", swiftSettings: hotPath),
        .target(name: "CapnpCodegen", dependencies: ["Capnp"]),
        .executableTarget(name: "capnpc-swift", dependencies: ["CapnpCodegen"]),
        .target(name: "Schemas", dependencies: ["Capnp"]),
        .systemLibrary(name: "CNuma", path: "Sources/CNuma"),
        .target(name: "Pipes", dependencies: ["Capnp", "Schemas", "CNuma"], swiftSettings: hotPath),
        .target(name: "ToolKit", dependencies: [
            "Pipes", "Schemas", "Capnp",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "RecCat", dependencies: ["ToolKit", "Pipes", "Capnp"]),
        .executableTarget(name: "rec-cat", dependencies: ["RecCat"]),

        // Accelerator compiler
        .target(name: "Kernels", swiftSettings: hotPath),
        .target(name: "OpBench", dependencies: ["Kernels", "Schemas", "Capnp"]),
        .executableTarget(name: "op-bench", dependencies: ["OpBench", "ToolKit"]),
        .target(name: "OnnxProto", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "GraphIR"),
        .target(name: "GraphIO", dependencies: ["GraphIR", "OnnxProto", "Schemas", "Capnp", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // The interpreter is optimized even in debug builds: it is the numerical oracle that
        // `make test` runs on whole models, which would take minutes at -Onone.
        .target(name: "GraphInterp", dependencies: ["GraphIR"], swiftSettings: hotPath + [.unsafeFlags(["-O"])]),
        .target(name: "GraphPasses", dependencies: ["GraphIR", "GraphInterp"]),
        .target(name: "GraphOpt", dependencies: ["GraphIR", "GraphIO", "GraphPasses", "GraphInterp", "ToolKit", "Pipes", "Schemas", "Capnp",
                                                 .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "graph-opt", dependencies: ["GraphOpt"]),

        // Recommendation data
        .target(name: "SeqCodec", swiftSettings: hotPath),
        .target(name: "SeqStore", dependencies: ["SeqCodec", "Schemas", "Capnp"]),
        .executableTarget(name: "seq-encode", dependencies: ["SeqCodec", "SeqStore", "ToolKit"]),

        // Tests
        .testTarget(name: "CapnpTests", dependencies: ["Capnp"], exclude: ["Fixtures"]),
        .testTarget(name: "CodegenTests", dependencies: ["CapnpCodegen", "Capnp", "Schemas"], exclude: ["Fixtures"]),
        .testTarget(name: "PipesTests", dependencies: ["Pipes", "Capnp", "Schemas"]),
        .testTarget(name: "ToolKitTests", dependencies: ["ToolKit", "Pipes", "Capnp"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"]),
        .testTarget(name: "OpBenchTests", dependencies: ["OpBench"]),
        .testTarget(name: "GraphTests", dependencies: ["GraphIR", "GraphIO", "GraphInterp", "GraphPasses", "OnnxProto", "Capnp", "Schemas",
                                                  "GraphOpt", "ToolKit", "Pipes", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .testTarget(name: "SeqCodecTests", dependencies: ["SeqCodec"]),
        .testTarget(name: "SeqStoreTests", dependencies: ["SeqStore", "SeqCodec"]),
    ],
    swiftLanguageModes: [.v5]
)
