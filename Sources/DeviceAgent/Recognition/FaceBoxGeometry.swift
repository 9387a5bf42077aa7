import FaceEngine

/// Box arithmetic for deciding where to look: regions around faces and movement, and boxes found in a crop put back in the frame.
extension FaceBox {
    func contains(_ other: FaceBox) -> Bool {
        other.left >= left && other.right <= right && other.top >= top && other.bottom <= bottom
    }

    func union(_ other: FaceBox) -> FaceBox {
        FaceBox(top: min(top, other.top), right: max(right, other.right), bottom: max(bottom, other.bottom), left: min(left, other.left))
    }

    func grown(dx: Int, dy: Int, within bounds: FaceBox) -> FaceBox {
        FaceBox(top: max(bounds.top, top - dy), right: min(bounds.right, right + dx), bottom: min(bounds.bottom, bottom + dy),
                left: max(bounds.left, left - dx))
    }

    func scaled(by factor: Double) -> FaceBox {
        guard factor != 1 else { return self }
        func scale(_ value: Int) -> Int { Int((Double(value) * factor).rounded()) }
        return FaceBox(top: scale(top), right: scale(right), bottom: scale(bottom), left: scale(left))
    }

    func offsetBy(x: Int, y: Int) -> FaceBox {
        FaceBox(top: top + y, right: right + x, bottom: bottom + y, left: left + x)
    }
}

extension GrayImage {
    /// The whole picture, as a box.
    var bounds: FaceBox { FaceBox(top: 0, right: width, bottom: height, left: 0) }
}
