import FaceEngine

/// Boxes drawn on a stream frame, so whoever watches sees what the device sees:
/// green for a student it knows, red for an unknown person, yellow while it is still deciding.
extension RGBImage {
    func drawingBoxes(_ faces: [Recognizer.FaceInView], thickness: Int = 2) -> RGBImage {
        guard !faces.isEmpty else { return self }
        var out = pixels
        for face in faces {
            let colour: (UInt8, UInt8, UInt8) = switch face.who {
            case .student: (0, 220, 0)
            case .unknown: (230, 0, 0)
            case nil: (240, 200, 0)
            }
            let box = face.box
            let left = max(0, box.left), right = min(width - 1, box.right - 1)
            let top = max(0, box.top), bottom = min(height - 1, box.bottom - 1)
            guard right > left, bottom > top else { continue }
            func paint(_ x: Int, _ y: Int) {
                let p = (y * width + x) * 3
                out[p] = colour.0
                out[p + 1] = colour.1
                out[p + 2] = colour.2
            }
            for t in 0..<thickness {
                for x in left...right {
                    paint(x, min(bottom, top + t))
                    paint(x, max(top, bottom - t))
                }
                for y in top...bottom {
                    paint(min(right, left + t), y)
                    paint(max(left, right - t), y)
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
