import CFaceEngine

/// One thread's copy of the detectors and networks, lent by `FaceEngine.withWorker`
/// to one job at a time; its methods run synchronously on the calling thread.
public final class FaceWorker: @unchecked Sendable {
    let handle: OpaquePointer
    private let models: FaceModels  // keeps the shared models alive

    init(models: FaceModels) throws(FaceEngineError) {
        var handle: OpaquePointer?
        try bridged { stfe_worker_create(models.handle, &handle, $0) }
        self.handle = handle!
        self.models = models
    }

    deinit { stfe_worker_free(handle) }

    /// Detection, landmarks and descriptors of every face, as face_recognition's
    /// `face_locations` then `face_encodings(image, locations)`.
    public func faces(in image: RGBImage, using detector: FaceDetector = .standard, jitters: Int = 1) throws(FaceEngineError) -> [Face] {
        let found = try detect(image, with: detector)
        return try describe(image, at: found.map { $0.box(inImageOfWidth: image.width, height: image.height) },
                            scores: found.map(\.score), jitters: jitters)
    }

    /// Landmarks and descriptors of faces whose boxes are already known.
    public func describe(_ image: RGBImage, at boxes: [FaceBox], scores: [Double]? = nil, jitters: Int = 1) throws(FaceEngineError) -> [Face] {
        let rects = boxes.map { Detection($0) }
        var marks: [Landmarks] = []
        for rect in rects { marks.append(try landmarks(image, of: rect)) }
        let descriptors = try describe(image, faces: Array(zip(rects, marks)), jitters: jitters)
        return boxes.indices.map {
            Face(box: boxes[$0], score: scores?[$0] ?? 0, landmarks: marks[$0], descriptor: descriptors[$0])
        }
    }

    public func detect(_ image: RGBImage, with detector: FaceDetector) throws(FaceEngineError) -> [Detection] {
        var capacity = 64
        while true {
            var rects = [stfe_rect](repeating: stfe_rect(), count: capacity)
            var count: Int32 = 0
            try image.withPixels { pixels throws(FaceEngineError) in
                try bridged { error in
                    switch detector {
                    case .hog(let upsample): stfe_detect_hog(handle, pixels, Int32(upsample), &rects, Int32(capacity), &count, error)
                    case .cnn(let upsample): stfe_detect_cnn(handle, pixels, Int32(upsample), &rects, Int32(capacity), &count, error)
                    }
                }
            }
            if Int(count) <= capacity { return rects.prefix(Int(count)).map(Detection.init) }
            capacity = Int(count)  // rare: a crowd; run again with room for all
        }
    }

    public func landmarks(_ image: RGBImage, of detection: Detection) throws(FaceEngineError) -> Landmarks {
        var points = [stfe_point](repeating: stfe_point(), count: Int(STFE_LANDMARK_COUNT))
        try image.withPixels { pixels throws(FaceEngineError) in
            try bridged { stfe_landmarks(handle, pixels, detection.bridged, &points, $0) }
        }
        return Landmarks(points: points.map { FacePoint(x: Int($0.x), y: Int($0.y)) })
    }

    public func describe(_ image: RGBImage, faces: [(Detection, Landmarks)], jitters: Int) throws(FaceEngineError) -> [FaceDescriptor] {
        guard !faces.isEmpty else { return [] }
        let rects = faces.map(\.0.bridged)
        let points = faces.flatMap { $0.1.points.map { stfe_point(x: Int64($0.x), y: Int64($0.y)) } }
        let length = FaceDescriptor.length
        var output = [Float](repeating: 0, count: faces.count * length)
        try image.withPixels { pixels throws(FaceEngineError) in
            try bridged { stfe_describe(handle, pixels, rects, points, Int32(faces.count), Int32(jitters), &output, $0) }
        }
        return (0..<faces.count).map { FaceDescriptor(unchecked: Array(output[$0 * length..<($0 + 1) * length])) }
    }
}
