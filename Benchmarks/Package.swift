// swift-tools-version: 6.1
//
// Benchmarks of the binary trace codec, the recorder and the replay, kept in a nested package so that the root package (what
// apps link) never depends on the benchmark tool. Run with `swift package benchmark` from here.

import PackageDescription

let package = Package(
    name: "SyncTraceBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "SyncTrace", path: ".."),
    ],
    targets: [
        // Encode and decode throughput and compressed size of a recorder-like event mix.
        .executableTarget(
            name: "FormatBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SyncTraceFormat", package: "SyncTrace"),
                .product(name: "SyncTraceTestSupport", package: "SyncTrace"),
            ],
            path: "Benchmarks/FormatBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // The recorder's cost on the program: traced primitives against plain ones, recording on
        // and off, sustained recording throughput, and whole programs against their plain twins.
        .executableTarget(
            name: "RecorderBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SyncTrace", package: "SyncTrace"),
                .product(name: "SyncTraceReplay", package: "SyncTrace"),
                .product(name: "RaceDetector", package: "SyncTrace"),
                .product(name: "DeadlockDetector", package: "SyncTrace"),
                .product(name: "LostUpdateCounter", package: "SyncTrace"),
            ],
            path: "Benchmarks/RecorderBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // What tracing costs a program of a million tiny tasks, traced against untraced.
        .executableTarget(
            name: "TaskBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SyncTrace", package: "SyncTrace"),
                .product(name: "SyncTraceReplay", package: "SyncTrace"),
                .product(name: "RaceDetector", package: "SyncTrace"),
            ],
            path: "Benchmarks/TaskBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // Single-threaded replay (ordering, happens-before, race detection) of synthetic traces of
        // 1M, 10M and 100M events: throughput and peak memory.
        .executableTarget(
            name: "ReplayBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LostUpdateCounter", package: "SyncTrace"),
                .product(name: "DeadlockDetector", package: "SyncTrace"),
                .product(name: "SyncTraceReplay", package: "SyncTrace"),
                .product(name: "RaceDetector", package: "SyncTrace"),
                .product(name: "SyncTraceTestSupport", package: "SyncTrace"),
            ],
            path: "Benchmarks/ReplayBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ]
)
