import BackendStore
import FaceEngine
import Foundation

/// The face engine's verdict on a photo offered for a student, before any device
/// sees it: exactly one face, large, sharp and well lit enough to recognise, or a
/// refusal that names the problem (and where the face is, to draw it).
public struct PhotoCheck: Sendable {
    /// Where refusing begins, measured on ../shared/faces (scripts/bench/enrolment_quality.py):
    /// below 80 px wide a face's descriptor moves past twice JPEG's own noise; under 0.008
    /// sharpness a blur loses matches; under 40 or over 200 brightness descriptors drift.
    /// Of the set's original photos only one small crop (43 px) is refused.
    public struct Thresholds: Sendable, Equatable {
        public var minFaceWidth = 80
        public var minSharpness = 0.008
        public var minBrightness = 40.0
        public var maxBrightness = 200.0
        public init() {}
    }

    public struct Report: Sendable, Equatable, Encodable {
        public let accepted: Bool
        /// Why not, in words a person acts on.
        public let problem: String?
        /// Every face found (several: all of them), as top, right, bottom, left.
        public let faces: [PhotoFace.Box]
        public let quality: FaceQuality?
    }

    let engine: FaceEngine
    let thresholds: Thresholds

    /// The verdict, and for an accepted photo the face to keep with it.
    func check(_ upload: PhotoUpload) async throws -> (Report, PhotoFace?) {
        let image: RGBImage
        do {
            image = try RGBImage(decoding: upload.bytes)
        } catch {
            return (Report(accepted: false, problem: "the photo cannot be decoded: \(error.message)", faces: [], quality: nil), nil)
        }
        let faces = try await engine.faces(in: image)
        let boxes = faces.map { PhotoFace.Box(top: $0.box.top, right: $0.box.right, bottom: $0.box.bottom, left: $0.box.left) }
        func refuse(_ problem: String, quality: FaceQuality? = nil) -> (Report, PhotoFace?) {
            (Report(accepted: false, problem: problem, faces: boxes, quality: quality), nil)
        }
        guard let face = faces.first else {
            return refuse("no face found: a photo of the student's face, looking at the camera, is needed")
        }
        guard faces.count == 1 else {
            return refuse("\(faces.count) faces in the photo: a photo of the student alone is needed (it could enrol someone else)")
        }
        let quality = FaceQuality(of: face.box, in: image)
        if quality.width < thresholds.minFaceWidth {
            return refuse("the face is \(quality.width) px wide, smaller than \(thresholds.minFaceWidth): take the photo closer, or at a higher resolution",
                          quality: quality)
        }
        // Light first: a dark face also looks soft, and the person should hear the real reason.
        if quality.brightness < thresholds.minBrightness {
            return refuse("the face is too dark (brightness \(Int(quality.brightness)) of 255, at least \(Int(thresholds.minBrightness)) is needed)",
                          quality: quality)
        }
        if quality.brightness > thresholds.maxBrightness {
            return refuse("the face is too bright (brightness \(Int(quality.brightness)) of 255, at most \(Int(thresholds.maxBrightness)))",
                          quality: quality)
        }
        if quality.sharpness < thresholds.minSharpness {
            return refuse(String(format: "the face is too blurred (sharpness %.4f, at least %.3f is needed): hold the camera still, in focus",
                                 quality.sharpness, thresholds.minSharpness), quality: quality)
        }
        return (Report(accepted: true, problem: nil, faces: boxes, quality: quality),
                PhotoFace(box: boxes[0], descriptor: face.descriptor.bytes, model: FaceModelFiles.descriptorIdentity,
                          thumbnail: try? Self.thumbnail(of: face.box, in: image)))
    }

    /// The face with a margin around it, 96x96: small enough for a list of a thousand students.
    static func thumbnail(of box: FaceBox, in image: RGBImage) throws -> [UInt8] {
        let side = max(box.width, box.height) * 3 / 2
        let (x, y) = (Int(box.center.x) - side / 2, Int(box.center.y) - side / 2)
        let square = FaceBox(top: max(0, y), right: min(image.width, x + side), bottom: min(image.height, y + side), left: max(0, x))
        return try image.cropped(to: square).resized(width: 96, height: 96).jpegData(quality: 80)
    }
}
