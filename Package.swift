// swift-tools-version:6.0
import PackageDescription

// dlib's C++ must be optimised even in debug builds: at -O0 one HOG pass over a
// 640x480 frame takes seconds instead of tens of milliseconds.
// STREAKTRACK_MARCH=native (or x86-64-v3, armv8-a+simd, ...) tunes the face engine
// for one kind of processor: dlib's HOG uses AVX when it may. The default runs anywhere.
let tunedFor = Context.environment["STREAKTRACK_MARCH"].map { ["-march=" + $0] } ?? []
let dlibBridgeFlags: [CXXSetting] = [
    .unsafeFlags(["-O2", "-std=c++17", "-Wno-deprecated-declarations"] + tunedFor),
]

let package = Package(
    name: "StreakTrack",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "streaktrack", targets: ["streaktrack"]),
        .library(name: "FaceEngine", targets: ["FaceEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // dlib and the image codecs behind a plain C header.
        .target(
            name: "CFaceEngine",
            cxxSettings: dlibBridgeFlags,
            linkerSettings: [
                .linkedLibrary("dlib"),
                .linkedLibrary("blas"),
                .linkedLibrary("lapack"),
                .linkedLibrary("turbojpeg"),
                .linkedLibrary("png"),
                .linkedLibrary("m"),
            ]
        ),
        // Faces in images: decode, detect, landmarks, descriptors, nearest match.
        .target(name: "FaceEngine", dependencies: ["CFaceEngine"]),
        // The `streaktrack` command tree.
        .target(
            name: "StreakTrackCLI",
            dependencies: [
                "FaceEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "streaktrack", dependencies: [
            "StreakTrackCLI", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Test fixtures shared by the test targets: photo paths, the engine, downloads.
        .target(name: "TestSupport", dependencies: ["FaceEngine"], path: "Tests/TestSupport"),
        .testTarget(name: "FaceEngineTests", dependencies: ["FaceEngine", "TestSupport"]),
        .testTarget(name: "StreakTrackCLITests", dependencies: ["FaceEngine", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
