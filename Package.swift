// swift-tools-version: 6.1
import PackageDescription

// Dependencies point one way (see docs/architecture.md):
// escalation → Reports → Experiments, Calibration → ScenarioIO → Record → EscalationModel → SimKernel, Stochastics → CGSL, CXoshiro;
// Experiments → CZlib (gzip-compressed CSV), CRowScan (a merge's scan of each row), CCleanup (what a
// stopped command removes).
// The classroom server is its own module and executable, so the simulator's build never pays for
// it: escalation-serve → Classroom → Reports, Experiments (+ Hummingbird, GRDB).
// The simulator's modules are optimised in debug builds too: the tests (statistics over many
// runs) and the classroom's test server (what-ifs of 5,000 runs each way) spend their time in
// them, and unoptimised they run about ten times slower. Debugging them: drop this line.
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Escalation",
    products: [
        .executable(name: "escalation", targets: ["escalation"]),
        .executable(name: "escalation-serve", targets: ["escalation-serve"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // xoshiro256** as a GSL generator type, in C, for GSL's samplers to call directly.
        .target(name: "CXoshiro", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        .target(name: "Stochastics", dependencies: ["CGSL", "CXoshiro"], swiftSettings: optimized),
        .target(name: "SimKernel", swiftSettings: optimized),
        .target(name: "EscalationModel", dependencies: ["SimKernel", "Stochastics"], swiftSettings: optimized),
        .target(name: "Record", dependencies: ["EscalationModel"], swiftSettings: optimized),
        // ScenarioIO reads YAML from libyaml's events (`CYaml`, the C parser inside Yams), so that
        // keys and aliases are checked as they are read; Yams' own composer hashes keys whole.
        .target(
            name: "ScenarioIO",
            dependencies: ["EscalationModel", "Record", "Stochastics", .product(name: "Yams", package: "Yams")],
            swiftSettings: optimized
        ),
        // One C function: a merge's scan of every row's bytes, sixteen at a time (SSE2).
        .target(name: "CRowScan", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        // Signal handlers that remove an interrupted command's locks and temporary files.
        .target(name: "CCleanup"),
        .target(
            name: "Experiments",
            dependencies: ["ScenarioIO", "EscalationModel", "Record", "Stochastics", "CZlib", "CRowScan", "CCleanup"],
            swiftSettings: optimized
        ),
        .target(name: "Reports", dependencies: ["EscalationModel", "Experiments", "Calibration", "Record"], swiftSettings: optimized),
        .target(name: "Calibration", dependencies: ["EscalationModel", "Record", "ScenarioIO", "Stochastics"], swiftSettings: optimized),
        .executableTarget(
            name: "escalation",
            dependencies: [
                "ScenarioIO", "Experiments", "Reports", "Calibration", "EscalationModel", "Record", "Stochastics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "Classroom",
            dependencies: [
                "Experiments", "Reports", "ScenarioIO", "EscalationModel", "Record",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .executableTarget(
            name: "escalation-serve",
            dependencies: ["Classroom", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The fuzz target (`make fuzz` builds it with -sanitize=fuzzer; plain, it replays inputs).
        .executableTarget(name: "escalation-fuzz", dependencies: ["ScenarioIO", "EscalationModel"]),
        .executableTarget(name: "escalation-bench", dependencies: ["ScenarioIO", "EscalationModel", "Experiments", "Stochastics"]),
        .target(name: "TestSupport", dependencies: ["ScenarioIO", "EscalationModel"], path: "Tests/TestSupport"),
        .testTarget(name: "StochasticsTests", dependencies: ["Stochastics", "TestSupport"]),
        .testTarget(name: "SimKernelTests", dependencies: ["SimKernel", "Stochastics"]),
        .testTarget(name: "EscalationModelTests", dependencies: ["EscalationModel", "ScenarioIO", "TestSupport"]),
        .testTarget(name: "ScenarioIOTests", dependencies: ["ScenarioIO", "Record", "Stochastics", "TestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Record", "ScenarioIO", "TestSupport"]),
        .testTarget(name: "RecordTests", dependencies: ["Record", "TestSupport"], exclude: ["source-fingerprints.txt"]),
        .testTarget(name: "CalibrationTests", dependencies: ["Calibration", "Record", "ScenarioIO", "Stochastics", "TestSupport"]),
        .testTarget(
            name: "ClassroomTests",
            dependencies: ["Classroom", "Experiments", "ScenarioIO", "TestSupport",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "Experiments", "Record", "escalation", .product(name: "Yams", package: "Yams")]),
    ]
)
