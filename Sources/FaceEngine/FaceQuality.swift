/// How usable a face in a photo is for enrolment, measured on the face alone:
/// its grey levels (0.299 R + 0.587 G + 0.114 B) averaged down to 150x150 (the
/// size of dlib's face chip). Brightness is their mean; sharpness the variance of
/// their Laplacian, divided by their own variance, so that a face that is merely
/// dark or flat is not taken for a blurred one (scripts/bench/enrolment_quality.py).
public struct FaceQuality: Sendable, Equatable, Codable {
    public let width: Int
    public let brightness: Double
    /// The Laplacian's variance over the grey levels' variance: about 0.05 for a
    /// typical photo, under 0.008 for a face blurred past recognition.
    public let sharpness: Double

    static let side = 150

    public init(of box: FaceBox, in image: RGBImage) {
        width = box.width
        let gray = Self.grayFace(box, in: image)
        let count = Double(gray.count)
        let mean = gray.reduce(0, +) / count
        brightness = mean
        let spread = gray.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count
        // 3x3 Laplacian [0 1 0; 1 -4 1; 0 1 0] over the inner pixels ("valid" borders).
        let n = Self.side
        var sum = 0.0, squares = 0.0
        for y in 1..<(n - 1) {
            for x in 1..<(n - 1) {
                let i = y * n + x
                let value = gray[i - n] + gray[i + n] + gray[i - 1] + gray[i + 1] - 4 * gray[i]
                sum += value
                squares += value * value
            }
        }
        let inner = Double((n - 2) * (n - 2))
        let laplacian = squares / inner - (sum / inner) * (sum / inner)
        sharpness = spread > 0 ? laplacian / spread : 0
    }

    /// The face's grey levels, area-averaged to 150x150 one axis at a time: each
    /// output pixel is the mean of the input it covers (a share of a pixel counting
    /// for its share). The same formula enlarges a face smaller than 150 px.
    static func grayFace(_ box: FaceBox, in image: RGBImage) -> [Double] {
        let left = max(0, box.left), top = max(0, box.top), right = min(image.width, box.right), bottom = min(image.height, box.bottom)
        let width = max(1, right - left), height = max(1, bottom - top)
        var gray = [Double](repeating: 0, count: width * height)
        for y in 0..<min(height, bottom - top) {
            for x in 0..<min(width, right - left) {
                let p = ((top + y) * image.width + left + x) * 3
                gray[y * width + x] = 0.299 * Double(image.pixels[p]) + 0.587 * Double(image.pixels[p + 1]) + 0.114 * Double(image.pixels[p + 2])
            }
        }
        let rows = resample(gray, count: width, stride: 1, lines: height, lineStride: width)          // width -> 150, per row
        return resample(rows, count: height, stride: side, lines: side, lineStride: 1)               // height -> 150, per column
    }

    /// Area-averages `lines` runs of `count` values (`stride` apart, runs `lineStride` apart) to 150 each.
    private static func resample(_ values: [Double], count: Int, stride: Int, lines: Int, lineStride: Int) -> [Double] {
        let scale = Double(count) / Double(side)
        var weights: [[(Int, Double)]] = []
        for i in 0..<side {
            let start = Double(i) * scale, end = Double(i + 1) * scale
            var taps: [(Int, Double)] = []
            for k in Int(start)..<min(count, Int(end.rounded(.up))) {
                let overlap = min(end, Double(k + 1)) - max(start, Double(k))
                if overlap > 0 { taps.append((k, overlap / scale)) }
            }
            weights.append(taps)
        }
        // Output: `side` values per line, laid out as the input's lines (rows first, then columns).
        var out = [Double](repeating: 0, count: side * lines)
        for line in 0..<lines {
            for i in 0..<side {
                var total = 0.0
                for (k, weight) in weights[i] { total += values[line * lineStride + k * stride] * weight }
                if stride == 1 { out[line * side + i] = total } else { out[i * side + line] = total }
            }
        }
        return out
    }
}
