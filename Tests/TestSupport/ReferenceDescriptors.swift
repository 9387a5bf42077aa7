import Foundation

/// What Python's face_recognition 1.3.0 computed for every photo in ../shared/faces.
public struct ReferenceDescriptors: Decodable, Sendable {
    public struct Image: Decodable, Sendable {
        public let width: Int
        public let height: Int
        public let rgb_sha1: String
        public let faces: [Face]
    }

    public struct Face: Decodable, Sendable {
        public let box: [Int]
        public let hog_score: Double
        public let landmarks5: [[Int]]
        public let descriptor: [Double]
    }

    public let images: [String: Image]

    public static let shared: ReferenceDescriptors = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: Fixtures.face("reference_descriptors.json")))
        return try! JSONDecoder().decode(ReferenceDescriptors.self, from: data)
    }()
}
