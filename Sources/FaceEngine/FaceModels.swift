import CFaceEngine
import Foundation

/// Where the dlib model files are: the ones of `face_recognition_models` 0.3.0,
/// which `scripts/setup` puts in place and checks.
public struct FaceModelFiles: Sendable, Equatable {
    public static let landmarksFile = "shape_predictor_5_face_landmarks.dat"
    public static let descriptorFile = "dlib_face_recognition_resnet_model_v1.dat"
    public static let cnnDetectorFile = "mmod_human_face_detector.dat"

    /// The files with their SHA-256, as published in face_recognition_models 0.3.0.
    public static let checksums: [String: String] = [
        landmarksFile: "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888",
        descriptorFile: "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30",
        cnnDetectorFile: "4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6",
    ]

    public static let environmentVariable = "STREAKTRACK_MODELS"

    /// Names what made a descriptor: the detector, the landmark and descriptor
    /// models and their checksums. A descriptor made under another identity is
    /// not comparable and must be computed again.
    public static let descriptorIdentity: String = {
        let landmarks = checksums[landmarksFile]!.prefix(16), descriptor = checksums[descriptorFile]!.prefix(16)
        return "hog+shape_predictor_5:\(landmarks)+dlib_face_recognition_resnet_model_v1:\(descriptor)"
    }()

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The directory named by an option, else `$STREAKTRACK_MODELS`, else `~/.cache/streaktrack/models`.
    public static func locate(option: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> FaceModelFiles {
        if let option, !option.isEmpty { return FaceModelFiles(directory: option) }
        if let variable = environment[environmentVariable], !variable.isEmpty { return FaceModelFiles(directory: variable) }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return FaceModelFiles(directory: home + "/.cache/streaktrack/models")
    }

    public func path(of file: String) -> String { directory + "/" + file }

    /// The model files that are not there.
    public func missing(includingCNN: Bool) -> [String] {
        var needed = [Self.landmarksFile, Self.descriptorFile]
        if includingCNN { needed.append(Self.cnnDetectorFile) }
        return needed.filter { !FileManager.default.fileExists(atPath: path(of: $0)) }
    }
}

/// The loaded models, shared by every worker; load once per process.
public final class FaceModels: @unchecked Sendable {
    // Immutable after loading; workers only read it while copying their networks.
    let handle: OpaquePointer
    public let files: FaceModelFiles
    public let hasCNNDetector: Bool

    /// Loads the landmark and descriptor models, and the CNN detector when asked.
    public init(files: FaceModelFiles, loadCNNDetector: Bool = false) throws(FaceEngineError) {
        let missing = files.missing(includingCNN: loadCNNDetector)
        guard missing.isEmpty else {
            throw FaceEngineError(.model, "face model files missing in \(files.directory): \(missing.joined(separator: ", ")); run scripts/setup to install them")
        }
        var handle: OpaquePointer?
        try bridged { error in
            stfe_models_load(files.path(of: FaceModelFiles.landmarksFile), files.path(of: FaceModelFiles.descriptorFile),
                             loadCNNDetector ? files.path(of: FaceModelFiles.cnnDetectorFile) : nil, &handle, error)
        }
        self.handle = handle!
        self.files = files
        self.hasCNNDetector = loadCNNDetector
    }

    deinit { stfe_models_free(handle) }

    /// The BLAS library the descriptor network runs on.
    public static var blasDescription: String { String(cString: stfe_blas_description()) }
    /// The vector instructions dlib was compiled for (a build-time choice: `STREAKTRACK_MARCH`).
    public static var simdDescription: String { String(cString: stfe_simd_description()) }
}
