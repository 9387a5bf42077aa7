import FaceEngine

/// What the device sees, drawn on a stream frame: a box around each face, green
/// for a student it knows, red for an unknown person, yellow while it is still
/// deciding, orange when it looks like more than one student, and the name (or
/// "Unknown", "Unsure") on a dark strip above it.
extension RGBImage {
    public func annotated(_ faces: [Recognizer.FaceInView], names: [String: String], scale: Int = 2) -> RGBImage {
        guard !faces.isEmpty else { return self }
        var canvas = Canvas(width: width, height: height, pixels: pixels)
        for face in faces {
            let colour: (UInt8, UInt8, UInt8) = switch face.who {
            case .student: (0, 220, 0)
            case .unknown: (230, 0, 0)
            case .unsure: (255, 120, 0)
            case nil: (240, 200, 0)
            }
            canvas.outline(face.box, colour: colour)
            let label: String? = switch face.who {
            case .student(let id): names[id] ?? id
            case .unknown: "Unknown"
            case .unsure: "Unsure"
            case nil: nil
            }
            if let label { canvas.label(label, above: face.box, colour: colour, scale: scale) }
        }
        return RGBImage(width: width, height: height, pixels: canvas.pixels)
    }
}

/// RGB pixels being drawn on, everything clipped to the picture.
private struct Canvas {
    let width: Int
    let height: Int
    var pixels: [UInt8]

    mutating func paint(_ x: Int, _ y: Int, _ colour: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let p = (y * width + x) * 3
        pixels[p] = colour.0
        pixels[p + 1] = colour.1
        pixels[p + 2] = colour.2
    }

    mutating func outline(_ box: FaceBox, colour: (UInt8, UInt8, UInt8), thickness: Int = 2) {
        let left = max(0, box.left), right = min(width - 1, box.right - 1)
        let top = max(0, box.top), bottom = min(height - 1, box.bottom - 1)
        guard right > left, bottom > top else { return }
        for t in 0..<thickness {
            for x in left...right {
                paint(x, min(bottom, top + t), colour)
                paint(x, max(top, bottom - t), colour)
            }
            for y in top...bottom {
                paint(min(right, left + t), y, colour)
                paint(max(left, right - t), y, colour)
            }
        }
    }

    /// `text` in the label font, on a black strip just above `box` (inside it when there is no room above).
    mutating func label(_ text: String, above box: FaceBox, colour: (UInt8, UInt8, UInt8), scale: Int) {
        let glyphs = LabelFont.glyphs(for: text)
        let advance = (LabelFont.glyphWidth + 1) * scale, stripHeight = (LabelFont.glyphHeight + 2) * scale
        let top = box.top - stripHeight >= 0 ? box.top - stripHeight : max(0, box.top)
        let left = max(0, box.left)
        for y in top..<(top + stripHeight) {
            for x in left..<(left + glyphs.count * advance + scale) { paint(x, y, (0, 0, 0)) }
        }
        for (index, glyph) in glyphs.enumerated() {
            for row in 0..<LabelFont.glyphHeight {
                for column in 0..<LabelFont.glyphWidth where LabelFont.isSet(glyph, column: column, row: row) {
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            paint(left + scale + index * advance + column * scale + dx, top + scale + row * scale + dy, colour)
                        }
                    }
                }
            }
        }
    }
}
