import DeviceAgent
import FaceEngine

/// The original Python device as it really runs (`../shared/ORIGINAL_DEVICE.md`),
/// on our face engine: an attempt on the newest frame, then 0.5 s of sleep; an
/// attempt is HOG with one upsample on the equalised gray frame, a descriptor for
/// every face found, and a match for the first face only (`distance < 0.5`). A
/// first mark pauses it 3 s, a repeat 4 s, an unknown face 1 s.
struct OriginalDevice: Sendable {
    let engine: FaceEngine
    let index: FaceIndex<String>
    let tolerance: Double
    let stages: StageClock

    struct Watch {
        var decisions: [BenchDecision] = []
        var framesLookedAt = 0
    }

    func watch(_ live: LiveClip) async throws -> Watch {
        var watch = Watch()
        var marked = Set<String>()
        while let (number, jpeg) = live.latest {
            watch.framesLookedAt += 1
            let first = try await engine.withWorker { worker -> (FaceBox, FaceDescriptor)? in
                let rgb = try stages.measure(.decode) { try RGBImage(decoding: jpeg) }
                let boxes = try stages.measure(.detection) {
                    try worker.detect(GrayImage(rgb).equalized(), upsample: 1).map { $0.box(inImageOfWidth: rgb.width, height: rgb.height) }
                }
                guard !boxes.isEmpty else { return nil }
                // face_encodings describes every face found; only the first is matched.
                let faces = try stages.measure(.description) { try worker.describe(rgb, at: boxes) }
                return (faces[0].box, faces[0].descriptor)
            }
            if let (box, descriptor) = first {
                let nearest = stages.measure(.matching) { index.nearest(to: descriptor) }
                let label = nearest.flatMap { $0.distance < tolerance ? $0.label : nil }
                watch.decisions.append(BenchDecision(frame: number, time: live.seconds, box: box, label: label))
                if let label {
                    // "Attendance marked": 2 s on the LCD, then the green LED for 1 s with a blocking sleep;
                    // "Already marked": 2 s, green 1 s, yellow 1 s.
                    await live.sleep(marked.insert(label).inserted ? 3 : 4)
                } else {
                    await live.sleep(1)  // "Unknown Person", red LED
                }
            }
            await live.sleep(0.5)
        }
        return watch
    }
}
