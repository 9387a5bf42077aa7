/// The face enrolment found in a photo: where it is, its 128-d descriptor (as the
/// stored bytes: 128 little-endian Float32), and the models that computed it, so a
/// device using the same models can take it instead of computing it again.
public struct PhotoFace: Sendable, Equatable {
    public struct Box: Sendable, Equatable, Codable {
        public let top: Int
        public let right: Int
        public let bottom: Int
        public let left: Int

        public init(top: Int, right: Int, bottom: Int, left: Int) {
            self.top = top
            self.right = right
            self.bottom = bottom
            self.left = left
        }
    }

    public let box: Box?
    public let descriptor: [UInt8]
    public let model: String
    /// The face alone, a small JPEG, for lists.
    public var thumbnail: [UInt8]?

    public init(box: Box?, descriptor: [UInt8], model: String, thumbnail: [UInt8]? = nil) {
        self.box = box
        self.descriptor = descriptor
        self.model = model
        self.thumbnail = thumbnail
    }

    /// As stored: `top,right,bottom,left`.
    var boxText: String? { box.map { "\($0.top),\($0.right),\($0.bottom),\($0.left)" } }

    init(boxText: String?, descriptor: [UInt8], model: String) {
        let numbers = boxText?.split(separator: ",").compactMap { Int($0) } ?? []
        self.init(box: numbers.count == 4 ? Box(top: numbers[0], right: numbers[1], bottom: numbers[2], left: numbers[3]) : nil,
                  descriptor: descriptor, model: model)
    }
}

/// A face found at enrolment, with the photo and the student it belongs to.
public struct EnrolledFace: Sendable, Equatable {
    public let photoId: String
    public let studentId: String
    public let face: PhotoFace
}
