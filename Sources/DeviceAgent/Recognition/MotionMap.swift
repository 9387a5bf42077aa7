import FaceEngine

/// A frame's brightness at one eighth of its size: 16 samples per 8x8 cell,
/// cheap enough for every frame, and enough to tell where something moved.
public struct MotionMap: Sendable, Equatable {
    public static let cellSize = 8
    public let columns: Int
    public let rows: Int
    public let values: [UInt8]

    public init(of image: RGBImage) {
        let size = Self.cellSize
        columns = max(1, image.width / size)
        rows = max(1, image.height / size)
        var values = [UInt8](repeating: 0, count: columns * rows)
        let (columns, rows, width) = (columns, rows, image.width)
        image.pixels.withUnsafeBufferPointer { pixels in
            for row in 0..<rows {
                for column in 0..<columns {
                    var sum = 0, count = 0
                    for y in stride(from: row * size, to: min(image.height, row * size + size), by: 2) {
                        for x in stride(from: column * size, to: min(width, column * size + size), by: 2) {
                            let p = (y * width + x) * 3
                            sum += Int(pixels[p]) + 2 * Int(pixels[p + 1]) + Int(pixels[p + 2])
                            count += 4
                        }
                    }
                    values[row * columns + column] = UInt8(sum / max(count, 1))
                }
            }
        }
        self.values = values
    }

    /// The frame-pixel rectangles of cells whose brightness changed by more than `threshold` since `earlier`.
    public func changedCells(since earlier: MotionMap, threshold: Int) -> [FaceBox] {
        guard earlier.columns == columns, earlier.rows == rows else {
            return [FaceBox(top: 0, right: columns * Self.cellSize, bottom: rows * Self.cellSize, left: 0)]
        }
        var cells: [FaceBox] = []
        for i in values.indices where abs(Int(values[i]) - Int(earlier.values[i])) > threshold {
            let x = (i % columns) * Self.cellSize, y = (i / columns) * Self.cellSize
            cells.append(FaceBox(top: y, right: x + Self.cellSize, bottom: y + Self.cellSize, left: x))
        }
        return cells
    }
}
