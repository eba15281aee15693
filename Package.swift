// swift-tools-version: 6.1
//
// SyncTrace: record what a concurrent program does with its synchronization and shared state,
// write it as an LZ4-compressed binary trace, and analyse it offline. The map is the architecture
// article, Sources/SyncTraceReplay/SyncTraceReplay.docc/Architecture.md: every module below owns one
// part of the data flow and depends only "upstream" (Scripts/test.sh's build checks the imports).

import PackageDescription

let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "SyncTrace",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SyncTraceFormat", targets: ["SyncTraceFormat"]),
        .library(name: "SyncTrace", targets: ["SyncTrace"]),
        .library(name: "SyncTraceReplay", targets: ["SyncTraceReplay"]),
        // The plugin API as a shared library (SyncTraceReplay and SyncTraceFormat): a plugin loaded
        // at run time (`synctrace analyze --load`) links this product, so that its references to the
        // plugin protocol and types resolve to the one copy inside `synctrace` (the plugin guide:
        // Sources/SyncTraceReplay/SyncTraceReplay.docc/WritingAPlugin.md).
        .library(name: "SyncTracePluginAPI", type: .dynamic, targets: ["SyncTraceReplay"]),
        .library(name: "RaceDetector", targets: ["RaceDetector"]),
        .library(name: "DeadlockDetector", targets: ["DeadlockDetector"]),
        .library(name: "LostUpdateCounter", targets: ["LostUpdateCounter"]),
        .library(name: "SyncTraceCLI", targets: ["SyncTraceCLI"]),
        // Test integration: the Swift Testing trait `.synctrace` and the XCTest helpers, for a test
        // suite that links SyncTrace (the nested package Tests/Adoption uses it as a suite would).
        .library(name: "SyncTraceTesting", targets: ["SyncTraceTesting"]),
        // For this package's tests and benchmarks (the nested Benchmarks package links it), not for
        // apps: a seeded generator, the synthetic trace generator, a child-process runner.
        .library(name: "SyncTraceTestSupport", targets: ["SyncTraceTestSupport"]),
        .executable(name: "synctrace", targets: ["synctrace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation` for the DocC catalogs (Scripts/docs.sh); a command
        // plugin, linked into nothing.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The machine's liblz4 (frame API); `make` / Scripts install liblz4-dev when it is missing.
        .systemLibrary(
            name: "CLZ4",
            path: "Sources/CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"]), .brew(["lz4"])]
        ),
        // Data structures the format module and the replay share (a FIFO queue), public so that they
        // inline across the modules; not part of any API (like swift-nio's _NIODataStructures).
        .target(
            name: "_SyncTraceDataStructures",
            swiftSettings: strictSwift
        ),
        // The event model, the binary codec, the LZ4 frame container and the text form.
        .target(
            name: "SyncTraceFormat",
            dependencies: ["CLZ4", "_SyncTraceDataStructures"],
            swiftSettings: strictSwift
        ),
        // The recorder's C side: thread-local slots and the inline append that every traced
        // primitive compiles into.
        .target(name: "CSyncTraceRuntime"),
        // The recorder and the traced primitives: what apps link.
        .target(
            name: "SyncTrace",
            dependencies: ["SyncTraceFormat", "CSyncTraceRuntime"],
            swiftSettings: strictSwift
        ),
        // The offline half: ordering, happens-before, the plugin protocol, findings and renderers.
        // PluginAPIDigest generates SyncTracePluginAPI.interfaceDigest from its code and that of the
        // targets it depends on, which `--load` checks (the plugin guide, "What is stable").
        .target(
            name: "SyncTraceReplay",
            dependencies: ["SyncTraceFormat", "_SyncTraceDataStructures"],
            swiftSettings: strictSwift,
            plugins: ["PluginAPIDigest"]
        ),
        .plugin(
            name: "PluginAPIDigest",
            capability: .buildTool(),
            dependencies: ["PluginAPIDigestTool"],
            path: "BuildPlugins/PluginAPIDigest"
        ),
        .executableTarget(
            name: "PluginAPIDigestTool",
            swiftSettings: strictSwift
        ),
        // The built-in analysis plugins, each built only on the replay.
        .target(
            name: "RaceDetector",
            dependencies: ["SyncTraceReplay", "SyncTraceFormat", "_SyncTraceDataStructures"],
            path: "Plugins/RaceDetector",
            swiftSettings: strictSwift
        ),
        .target(
            name: "DeadlockDetector",
            dependencies: ["SyncTraceReplay", "SyncTraceFormat", "_SyncTraceDataStructures"],
            path: "Plugins/DeadlockDetector",
            swiftSettings: strictSwift
        ),
        .target(
            name: "LostUpdateCounter",
            dependencies: ["SyncTraceReplay", "SyncTraceFormat"],
            path: "Plugins/LostUpdateCounter",
            swiftSettings: strictSwift
        ),
        // What the tests and benchmarks share: a seeded generator, the synthetic trace generator
        // (`synctrace generate` is its front end), a child-process runner, in-memory analysis.
        .target(
            name: "SyncTraceTestSupport",
            dependencies: ["SyncTraceFormat", "SyncTraceReplay"],
            swiftSettings: strictSwift
        ),
        // Records a test's body and fails the test at each finding's line: Swift Testing's trait and
        // XCTest's helpers in one module (both ship with the toolchain; each file is compiled only
        // where its framework can be imported). Nothing upstream depends on it.
        .target(
            name: "SyncTraceTesting",
            dependencies: ["SyncTrace", "SyncTraceReplay", "SyncTraceFormat", "RaceDetector", "DeadlockDetector", "LostUpdateCounter"],
            swiftSettings: strictSwift
        ),
        // The command-line tool, as a library (so a custom build can add plugins) and its executable.
        .target(
            name: "SyncTraceCLI",
            dependencies: [
                "SyncTraceFormat",
                "_SyncTraceDataStructures",
                "SyncTraceReplay",
                "RaceDetector",
                "DeadlockDetector",
                "LostUpdateCounter",
                "SyncTraceTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "synctrace",
            dependencies: ["SyncTraceCLI"],
            swiftSettings: strictSwift,
            // Exports the tool's symbols, so that a plugin library loaded with `--load` (linked
            // against SyncTracePluginAPI) binds to this copy of SyncTraceReplay's types and protocol.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"], .when(platforms: [.linux]))]
        ),
        .testTarget(
            name: "SyncTraceFormatTests",
            // CLZ4 frames hand-made record streams for the malformed-input tests.
            dependencies: ["SyncTraceFormat", "SyncTraceTestSupport", "_SyncTraceDataStructures", "CLZ4"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSwift
        ),
        // The seed's racy counter and its mutex fix, recording themselves (SYNCTRACE_OUTPUT).
        .executableTarget(
            name: "RacyCounter",
            dependencies: ["SyncTrace"],
            path: "Examples/RacyCounter",
            swiftSettings: strictSwift
        ),
        // The seed's other small programs, one mode each (`SeedPrograms` lists them), recording
        // themselves like RacyCounter.
        .executableTarget(
            name: "SeedPrograms",
            dependencies: ["SyncTrace"],
            path: "Examples/SeedPrograms",
            swiftSettings: strictSwift
        ),
        // Swift's own concurrency recorded: actors, task groups, Dispatch queues, async streams.
        .executableTarget(
            name: "SwiftConcurrency",
            dependencies: ["SyncTrace"],
            path: "Examples/SwiftConcurrency",
            swiftSettings: strictSwift
        ),
        // An example analysis plugin (a lockset checker), and `synctrace` built with it. Its one
        // source file lives in the nested package that also builds it as a library loaded at run time
        // (`synctrace analyze --load`); that package's C entry points stay out of this build.
        .target(
            name: "LocksetPlugin",
            dependencies: ["SyncTraceReplay", "SyncTraceFormat"],
            path: "Examples/LocksetPlugin/Loadable/Sources/LocksetPlugin",
            exclude: ["Entry.swift"],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "synctrace-lockset",
            dependencies: ["LocksetPlugin", "SyncTraceCLI"],
            path: "Examples/LocksetPlugin/Tool",
            swiftSettings: strictSwift
        ),
        // A small program the recorder's tests run in a child process: recording switched on by
        // the environment, a write error mid-run, a program exiting without calling stop().
        .executableTarget(
            name: "RecorderProbe",
            dependencies: ["SyncTrace"],
            path: "Tests/Programs/RecorderProbe",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "SyncTraceTests",
            dependencies: ["SyncTraceTestSupport", 
                "SyncTrace", "SyncTraceFormat", "SyncTraceReplay", "RaceDetector", "LostUpdateCounter", "DeadlockDetector",
                "RecorderProbe",
            ],
            swiftSettings: strictSwift
        ),
        // Each built-in plugin's own tests.
        .testTarget(
            name: "RaceDetectorTests",
            dependencies: ["RaceDetector", "SyncTraceReplay", "SyncTraceFormat", "SyncTraceTestSupport"],
            // Random lock-heavy traces with RAPID's WCP and HBEpoch verdicts (Scripts/predicted_race_fixtures.py).
            resources: [.copy("Predicted")],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "LostUpdateCounterTests",
            dependencies: ["LostUpdateCounter", "RaceDetector", "SyncTraceReplay", "SyncTraceFormat", "SyncTraceTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "SyncTraceReplayTests",
            dependencies: ["SyncTraceReplay", "RaceDetector", "DeadlockDetector", "LostUpdateCounter", "SyncTraceFormat", "SyncTraceTestSupport"],
            swiftSettings: strictSwift
        ),
        // Go's race detector test cases, ported: recorded Swift programs and text traces, each with
        // Go's verdict (race or no race on a named variable).
        .testTarget(
            name: "SyncTraceConformanceTests",
            dependencies: ["SyncTraceTestSupport", "SyncTrace", "SyncTraceFormat", "SyncTraceReplay", "RaceDetector"],
            exclude: ["CONFORMANCE.md"],
            resources: [.copy("Traces")],
            swiftSettings: strictSwift
        ),
        // The deadlock detector: text-form fixtures for each rule, recorded programs, and the
        // recorder's watchdog ending a hung child process.
        .testTarget(
            name: "SyncTraceDeadlockTests",
            dependencies: ["SyncTraceTestSupport", "DeadlockDetector", "SyncTraceReplay", "SyncTraceFormat", "SyncTrace", "RecorderProbe"],
            swiftSettings: strictSwift
        ),
        // Runs every example recorded in a child process and checks what the analysis finds; depends
        // on the examples so that they are built before the tests run them.
        .testTarget(
            name: "SyncTraceExamplesTests",
            dependencies: ["SyncTraceTestSupport", 
                "SyncTraceReplay", "RaceDetector", "DeadlockDetector", "LostUpdateCounter", "SyncTraceFormat",
                "RacyCounter", "SeedPrograms", "SwiftConcurrency",
            ],
            swiftSettings: strictSwift
        ),
        // SyncTraceTesting's parts: the gate, the test's threads in a shared recording, locations.
        // (What the trait and XCTest's helpers report is checked by Scripts/testing-check.sh, on a
        // nested package whose tests fail on purpose.)
        .testTarget(
            name: "SyncTraceTestingTests",
            dependencies: ["SyncTraceTesting", "SyncTraceTestSupport", "SyncTraceReplay", "RaceDetector"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "SyncTraceCLITests",
            // Depends on the executables so that they are built before the tests run them (RacyCounter
            // records the traces that the tests cut short, RecorderProbe the programs whose findings
            // the report groups).
            dependencies: [
                "SyncTraceTestSupport", "SyncTraceFormat", "SyncTraceReplay", "PluginAPIDigestTool", "synctrace", "synctrace-lockset", "RacyCounter",
                "RecorderProbe",
            ],
            swiftSettings: strictSwift
        ),
    ]
)
