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
        .executable(name: "streaktrack-server", targets: ["streaktrack-server"]),
        .library(name: "FaceEngine", targets: ["FaceEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.24.0"),
        // A CSV reader: bulk enrolment files, and the exports read back in tests and the CSV fuzz target.
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // ZIP files of photos for bulk enrolment.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // bcrypt for people's passwords.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
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
        // Entrance clips rendered from face photos, with their ground truth: what the recognition benchmark and tests play.
        .target(name: "EntranceClips", dependencies: ["FaceEngine"]),
        // The `streaktrack` command tree.
        .target(
            name: "StreakTrackCLI",
            dependencies: [
                "FaceEngine", "DeviceAgent", "DeviceHardware", "HardwareFeedback", "WebSocketLink", "StreakTrackLogging", "EntranceClips", "ChildProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The wire protocol of PROTOCOL.md: messages, byte-exact JSON, connection rules.
        .target(name: "StreakTrackProtocol"),

        // A WebSocket client (ws and wss) for devices and tests.
        .target(
            name: "WebSocketLink",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // SQLite through its C API.
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // A small async SQL interface, and SQLite behind it; the device and the backend both keep data in it.
        .target(name: "SQLStorage", dependencies: ["CSQLite"]),
        // The backend's data: organizations, people, classes, students, photos, devices, attendance; SQLite or PostgreSQL.
        .target(
            name: "BackendStore",
            dependencies: [
                "SQLStorage", "StreakTrackProtocol",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The common-password list is read from a file (installed, or this checkout), not bundled.
            exclude: ["Resources"]
        ),
        // The backend: /api/ws, the REST API, photos, the dashboard, metrics.
        .target(
            name: "StreakTrackServer",
            dependencies: [
                "BackendStore", "StreakTrackProtocol", "StreakTrackLogging", "TimeLimit", "CSVExport", "FaceEngine",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Dashboard"), .copy("OpenAPI")]
        ),
        // Log records on one line each (control characters escaped), as text or JSON.
        .target(name: "StreakTrackLogging", dependencies: [
            "StreakTrackProtocol", .product(name: "Logging", package: "swift-log"),
        ]),
        // The `streaktrack-server` command tree.
        .target(
            name: "StreakTrackServerCLI",
            dependencies: [
                "StreakTrackServer", "BackendStore", "StreakTrackLogging", "FaceEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "streaktrack-server", dependencies: [
            "StreakTrackServerCLI", "FaceEngine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Child programs (cameras, test servers) started with clean signal handling and stopped for sure.
        .target(name: "CChildProcess"),
        .target(name: "ChildProcess", dependencies: ["CChildProcess"]),
        // A time limit for any async work (downloads, request bodies).
        .target(name: "TimeLimit"),
        // CSV a spreadsheet opens as data, never as formulas.
        .target(name: "CSVExport"),

        // The device: configuration, recognition, attendance ledger, link to the backend.
        .target(
            name: "DeviceAgent",
            dependencies: [
                "FaceEngine", "StreakTrackProtocol", "SQLStorage", "WebSocketLink", "ChildProcess", "TimeLimit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The LCD (HD44780 behind a PCF8574 on I2C) and the LEDs (GPIO) through Linux's
        // device files, with simulations that decode what a real chip would get.
        .target(name: "CLinuxHardware"),
        .target(name: "DeviceHardware", dependencies: ["CLinuxHardware"]),
        // The agent's feedback on the real LCD and LEDs, and the choice of hardware, terminal or none.
        .target(
            name: "HardwareFeedback",
            dependencies: ["DeviceAgent", "DeviceHardware", .product(name: "Logging", package: "swift-log")]
        ),

        // A load generator for the backend, against loopback only.
        .executableTarget(name: "streaktrack-loadgen", dependencies: [
            "WebSocketLink", "StreakTrackProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "streaktrack", dependencies: [
            "StreakTrackCLI", "FaceEngine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Test fixtures shared by the test targets: photo paths, the engine, downloads.
        .target(
            name: "TestSupport",
            dependencies: [
                "FaceEngine", "BackendStore", "WebSocketLink", "StreakTrackServer", "StreakTrackProtocol", "ChildProcess",
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "StreakTrackProtocolTests", dependencies: ["StreakTrackProtocol"]),
        .testTarget(name: "StreakTrackLoggingTests", dependencies: ["StreakTrackLogging", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "DeviceAgentTests", dependencies: ["DeviceAgent", "TestSupport", "BackendStore", "WebSocketLink", "EntranceClips"]),
        .testTarget(name: "BackendStoreTests", dependencies: ["BackendStore", "SQLStorage", "TestSupport"]),
        .testTarget(
            name: "StreakTrackServerTests",
            dependencies: [
                "StreakTrackServer", "BackendStore", "SQLStorage", "StreakTrackProtocol", "FaceEngine", "TestSupport", "CSVExport", "WebSocketLink",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(name: "FaceEngineTests", dependencies: ["FaceEngine", "TestSupport"]),
        .testTarget(name: "StreakTrackCLITests", dependencies: ["FaceEngine", "TestSupport"]),
        .testTarget(name: "DeviceHardwareTests", dependencies: ["DeviceHardware"]),
        .testTarget(name: "EntranceClipsTests", dependencies: ["EntranceClips", "FaceEngine"]),
        .testTarget(name: "HardwareFeedbackTests", dependencies: ["HardwareFeedback", "DeviceHardware", "DeviceAgent"]),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
