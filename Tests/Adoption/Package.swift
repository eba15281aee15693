// swift-tools-version: 6.1
//
// A test suite that adopts SyncTrace as a package would: one dependency, the `.synctrace` trait on
// Swift Testing's tests and the `synctrace {}` helpers on XCTest's. Some of its tests fail on
// purpose (each racy test must fail at its racing line), so it is not part of the root's suite:
// Scripts/testing-check.sh runs it in a child process and checks each test's verdict.

import PackageDescription

let package = Package(
    name: "SyncTraceAdoption",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "SyncTrace", path: "../.."),
    ],
    targets: [
        .testTarget(
            name: "AdoptionTests",
            dependencies: [
                .product(name: "SyncTrace", package: "SyncTrace"),
                .product(name: "SyncTraceTesting", package: "SyncTrace"),
            ],
            swiftSettings: [
                .swiftLanguageMode(.v6),
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        ),
    ]
)
