// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swerl",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ErlangTerm", targets: ["ErlangTerm"]),
        .library(name: "ErlangEPMD", targets: ["ErlangEPMD"]),
        .library(name: "ErlangDistribution", targets: ["ErlangDistribution"]),
        .library(name: "ErlangRuntime", targets: ["ErlangRuntime"]),
        .library(name: "ErlangGlobal", targets: ["ErlangGlobal"]),
        .library(name: "ErlangProcessGroups", targets: ["ErlangProcessGroups"]),
        .executable(name: "swerl", targets: ["swerl"]),
        .executable(name: "swerl-etf-bench", targets: ["swerl-etf-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "ErlangTerm",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        .target(
            name: "ErlangEPMD",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ErlangDistribution",
            dependencies: [
                "ErlangTerm",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ErlangRuntime",
            dependencies: [
                "ErlangTerm",
                "ErlangEPMD",
                "ErlangDistribution",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "ErlangGlobal",
            dependencies: [
                "ErlangTerm",
                "ErlangDistribution",
                "ErlangRuntime",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ErlangProcessGroups",
            dependencies: [
                "ErlangTerm",
                "ErlangDistribution",
                "ErlangRuntime",
                "ErlangGlobal",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "swerl",
            dependencies: [
                "ErlangTerm",
                "ErlangEPMD",
                "ErlangDistribution",
                "ErlangRuntime",
                "ErlangGlobal",
                "ErlangProcessGroups",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "swerl-epmd-bench",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/swerl-epmd-bench"
        ),
        .executableTarget(
            name: "swerl-etf-bench",
            dependencies: [
                "ErlangTerm",
                // ByteBuffer only: `ETFEncoder.encode(_:into:)` takes one, and the bench reuses it.
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "swerl-dist-peer",
            dependencies: [
                "ErlangTerm",
                "ErlangDistribution",
                "ErlangRuntime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/swerl-dist-peer"
        ),
        .executableTarget(
            name: "swerl-dist-codec-bench",
            dependencies: [
                "ErlangTerm",
                "ErlangDistribution",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/swerl-dist-codec-bench"
        ),
        .executableTarget(
            name: "swerl-pg-bench",
            dependencies: [
                "ErlangTerm",
                "ErlangDistribution",
                "ErlangRuntime",
                "ErlangProcessGroups",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/swerl-pg-bench"
        ),
        .target(name: "ErlangTestSupport", path: "Tests/ErlangTestSupport"),
        .testTarget(
            name: "ErlangTermTests",
            dependencies: ["ErlangTerm", "ErlangTestSupport"],
            exclude: ["Vectors"]
        ),
        .testTarget(
            name: "ErlangEPMDTests",
            dependencies: [
                "ErlangEPMD",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ErlangEPMDInteropTests",
            dependencies: [
                "ErlangEPMD",
                "ErlangRuntime",
                "ErlangTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ErlangDistributionTests",
            dependencies: [
                "ErlangDistribution", "ErlangTerm", "ErlangTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ErlangDistributionInteropTests",
            dependencies: [
                "ErlangTerm",
                "ErlangDistribution",
                "ErlangRuntime",
                "ErlangTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "ErlangRuntimeTests",
            dependencies: [
                "ErlangRuntime", "ErlangDistribution", "ErlangTerm",
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ErlangRuntimeInteropTests",
            dependencies: [
                "ErlangTerm",
                "ErlangDistribution",
                "ErlangRuntime",
                "ErlangTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "ErlangProcessGroupsTests",
            dependencies: ["ErlangProcessGroups", "ErlangRuntime", "ErlangDistribution", "ErlangTerm"]
        ),
        .testTarget(
            name: "ErlangProcessGroupsInteropTests",
            dependencies: [
                "ErlangGlobal",
                "ErlangTerm",
                "ErlangDistribution",
                "ErlangRuntime",
                "ErlangProcessGroups",
                "ErlangTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ErlangGlobalTests",
            dependencies: ["ErlangGlobal", "ErlangTerm", "ErlangDistribution"]
        ),
        .testTarget(
            name: "ErlangGlobalInteropTests",
            dependencies: [
                "ErlangGlobal",
                "ErlangTerm",
                "ErlangDistribution",
                "ErlangRuntime",
                "ErlangTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
