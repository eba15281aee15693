// swift-tools-version: 6.1
//
// The example lockset plugin as a third party ships it: a shared library that
// `synctrace analyze TRACE --load .build/debug/libLocksetPlugin.so` loads at run time.
//
//   swift build --package-path Examples/LocksetPlugin/Loadable --product LocksetPlugin
//
// It depends on the dynamic product SyncTracePluginAPI only, so that the plugin protocol and the types
// it shares with the tool are the tool's own (the plugin guide, "Loading it at run time":
// Sources/SyncTraceReplay/SyncTraceReplay.docc/WritingAPlugin.md in the root package). The
// root package compiles the same LocksetChecker.swift into `synctrace-lockset`, the static way.

import PackageDescription

let package = Package(
    name: "LocksetPluginLibrary",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LocksetPlugin", type: .dynamic, targets: ["LocksetPlugin"]),
    ],
    dependencies: [
        .package(name: "SyncTrace", path: "../../.."),
    ],
    targets: [
        // The plugin (LocksetChecker.swift) and its C entry points (Entry.swift).
        .target(
            name: "LocksetPlugin",
            dependencies: [.product(name: "SyncTracePluginAPI", package: "SyncTrace")],
            swiftSettings: [
                .swiftLanguageMode(.v6),
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        ),
    ]
)
