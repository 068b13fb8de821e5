// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "trainer",
    products: [
        .executable(name: "trainer", targets: ["trainer"]),
        .library(name: "TrainerCore", targets: ["TrainerCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // cblas + LAPACKE from Debian's libopenblas-dev and liblapacke-dev.
        .systemLibrary(
            name: "CLinearAlgebra",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(
            name: "TrainerCore",
            dependencies: ["CLinearAlgebra"]
        ),
        .executableTarget(
            name: "trainer",
            dependencies: [
                "TrainerCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "TrainerCoreTests",
            dependencies: ["TrainerCore"],
            // Fixtures are read through #filePath, so they stay plain files, not resources.
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TrainerCore"]
        ),
    ]
)
