// swift-tools-version: 6.1
import PackageDescription

// Dependencies point one way (see docs/architecture.md):
// escalation → Reports → Experiments, Calibration → (ScenarioIO →) EscalationModel → SimKernel, Stochastics → CGSL.
let package = Package(
    name: "Escalation",
    products: [
        .executable(name: "escalation", targets: ["escalation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        .target(name: "Stochastics", dependencies: ["CGSL"]),
        .target(name: "SimKernel"),
        .target(name: "EscalationModel", dependencies: ["SimKernel", "Stochastics"]),
        .target(
            name: "ScenarioIO",
            dependencies: ["EscalationModel", "Stochastics", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "Experiments", dependencies: ["ScenarioIO", "EscalationModel", "Stochastics"]),
        .target(name: "Reports", dependencies: ["EscalationModel", "Experiments", "Calibration"]),
        .target(name: "Calibration", dependencies: ["EscalationModel", "Stochastics"]),
        .executableTarget(
            name: "escalation",
            dependencies: [
                "ScenarioIO", "Experiments", "Reports", "Calibration", "EscalationModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "escalation-bench", dependencies: ["ScenarioIO", "EscalationModel", "Experiments", "Stochastics"]),
        .target(name: "TestSupport", dependencies: ["ScenarioIO", "EscalationModel"], path: "Tests/TestSupport"),
        .testTarget(name: "StochasticsTests", dependencies: ["Stochastics", "TestSupport"]),
        .testTarget(name: "SimKernelTests", dependencies: ["SimKernel"]),
        .testTarget(name: "EscalationModelTests", dependencies: ["EscalationModel", "ScenarioIO", "TestSupport"]),
        .testTarget(name: "ScenarioIOTests", dependencies: ["ScenarioIO", "TestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "ScenarioIO", "TestSupport"]),
        .testTarget(name: "CalibrationTests", dependencies: ["Calibration", "Stochastics", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "Experiments", "escalation"]),
    ]
)
