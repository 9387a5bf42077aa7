import FaceEngine

/// A frame's brightness at one eighth of its size (one value per 8x8 block),
/// cheap enough for every frame, and enough to tell where something moved.
public struct MotionMap: Sendable, Equatable {
    public static let cellSize = 8
    public let columns: Int
    public let rows: Int
    public let values: [UInt8]

    /// From the frame at 1/8 (`GrayImage(decodingJPEG:scaledDownBy: 8)`).
    public init(eighth: GrayImage) {
        columns = eighth.width
        rows = eighth.height
        values = eighth.pixels
    }

    /// From a whole colour frame (block averages of its luma).
    public init(of image: RGBImage) {
        self.init(eighth: Self.eighth(of: GrayImage(image)))
    }

    /// A gray frame at 1/8 of its size by block averages, for frames that are not JPEG.
    public static func eighth(of gray: GrayImage) -> GrayImage {
        gray.shrunk(width: max(1, gray.width / cellSize), height: max(1, gray.height / cellSize))
    }

    /// The cells (column, row) whose brightness changed by more than `threshold` since `earlier`;
    /// every cell when the two are not comparable.
    public func changedCells(since earlier: MotionMap, threshold: Int) -> [(column: Int, row: Int)] {
        guard earlier.columns == columns, earlier.rows == rows else {
            return (0..<rows).flatMap { row in (0..<columns).map { (column: $0, row: row) } }
        }
        var cells: [(column: Int, row: Int)] = []
        values.withUnsafeBufferPointer { now in
            earlier.values.withUnsafeBufferPointer { then in
                for i in 0..<now.count where abs(Int(now[i]) - Int(then[i])) > threshold { cells.append((i % columns, i / columns)) }
            }
        }
        return cells
    }

    /// The frame-pixel rectangle of a cell.
    public static func box(of cell: (column: Int, row: Int)) -> FaceBox {
        let x = cell.column * cellSize, y = cell.row * cellSize
        return FaceBox(top: y, right: x + cellSize, bottom: y + cellSize, left: x)
    }

    /// Changed cells grouped into touching blobs (8-neighbours, gaps of one cell bridged), each as its frame-pixel bounding box.
    public static func blobs(of cells: [(column: Int, row: Int)], columns: Int, rows: Int) -> [FaceBox] {
        var grid = [Bool](repeating: false, count: columns * rows)
        for cell in cells { grid[cell.row * columns + cell.column] = true }
        var seen = [Bool](repeating: false, count: columns * rows)
        var boxes: [FaceBox] = []
        for start in cells where !seen[start.row * columns + start.column] {
            var stack = [start]
            seen[start.row * columns + start.column] = true
            var box = box(of: start)
            while let cell = stack.popLast() {
                box = box.union(Self.box(of: cell))
                for dy in -2...2 {
                    for dx in -2...2 {
                        let c = cell.column + dx, r = cell.row + dy
                        guard c >= 0, r >= 0, c < columns, r < rows, grid[r * columns + c], !seen[r * columns + c] else { continue }
                        seen[r * columns + c] = true
                        stack.append((c, r))
                    }
                }
            }
            boxes.append(box)
        }
        return boxes
    }
}
