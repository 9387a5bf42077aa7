import CFaceEngine

/// A face box the way face_recognition reports it: `(top, right, bottom, left)`,
/// trimmed to the image (right and bottom may equal the width and height).
public struct FaceBox: Hashable, Sendable, Codable, CustomStringConvertible {
    public var top: Int
    public var right: Int
    public var bottom: Int
    public var left: Int

    public init(top: Int, right: Int, bottom: Int, left: Int) {
        self.top = top
        self.right = right
        self.bottom = bottom
        self.left = left
    }

    public var width: Int { right - left }
    public var height: Int { bottom - top }
    public var area: Int { max(0, width) * max(0, height) }
    public var center: (x: Double, y: Double) { (Double(left + right) / 2, Double(top + bottom) / 2) }

    /// Intersection over union, for telling whether two boxes show the same face.
    public func overlap(with other: FaceBox) -> Double {
        let w = min(right, other.right) - max(left, other.left)
        let h = min(bottom, other.bottom) - max(top, other.top)
        guard w > 0, h > 0 else { return 0 }
        let shared = Double(w * h)
        return shared / (Double(area + other.area) - shared)
    }

    public var description: String { "\(top),\(right),\(bottom),\(left)" }
}

/// What a detector found: dlib's rectangle, which may reach past the image, and its score.
public struct Detection: Hashable, Sendable {
    public let left: Int
    public let top: Int
    public let right: Int
    public let bottom: Int
    public let score: Double

    public init(left: Int, top: Int, right: Int, bottom: Int, score: Double) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
        self.score = score
    }

    init(_ rect: stfe_rect) {
        self.init(left: Int(rect.left), top: Int(rect.top), right: Int(rect.right), bottom: Int(rect.bottom), score: rect.score)
    }

    /// face_recognition's `_trim_css_to_bounds(_rect_to_css(rect), image.shape)`.
    public func box(inImageOfWidth width: Int, height: Int) -> FaceBox {
        FaceBox(top: max(top, 0), right: min(right, width), bottom: min(bottom, height), left: max(left, 0))
    }

    /// face_recognition's `_css_to_rect`: the rectangle a trimmed box stands for.
    public init(_ box: FaceBox, score: Double = 0) {
        self.init(left: box.left, top: box.top, right: box.right, bottom: box.bottom, score: score)
    }

    var bridged: stfe_rect {
        stfe_rect(left: Int64(left), top: Int64(top), right: Int64(right), bottom: Int64(bottom), score: score)
    }
}

public struct FacePoint: Hashable, Sendable, Codable {
    public let x: Int
    public let y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// dlib's five landmarks, in the model's order: right eye outer and inner corner,
/// left eye outer and inner corner (as seen in the picture: 0, 1 on the right), nose tip.
public struct Landmarks: Hashable, Sendable, Codable {
    public let points: [FacePoint]

    public init(points: [FacePoint]) {
        precondition(points.count == Int(STFE_LANDMARK_COUNT), "five landmarks expected")
        self.points = points
    }
}

/// Which detector to run, and how many times to double the picture first
/// (each doubling finds faces half as large, at about four times the cost).
public enum FaceDetector: Hashable, Sendable {
    case hog(upsample: Int)
    case cnn(upsample: Int)

    /// face_recognition's default: HOG with one upsample.
    public static let standard = FaceDetector.hog(upsample: 1)
}

/// A face found and described: everything face_recognition computes for it.
public struct Face: Sendable {
    public let box: FaceBox
    public let score: Double
    public let landmarks: Landmarks
    public let descriptor: FaceDescriptor

    public init(box: FaceBox, score: Double, landmarks: Landmarks, descriptor: FaceDescriptor) {
        self.box = box
        self.score = score
        self.landmarks = landmarks
        self.descriptor = descriptor
    }
}
