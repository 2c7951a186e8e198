// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swerl",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ErlangTerm", targets: ["ErlangTerm"]),
        .library(name: "ErlangEPMD", targets: ["ErlangEPMD"]),
        .executable(name: "swerl", targets: ["swerl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
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
        .executableTarget(
            name: "swerl",
            dependencies: [
                "ErlangTerm",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "ErlangTestSupport", path: "Tests/ErlangTestSupport"),
        .testTarget(name: "ErlangTermTests", dependencies: ["ErlangTerm", "ErlangTestSupport"]),
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
    ],
    swiftLanguageModes: [.v6]
)
