import DeviceAgent
import FaceEngine
import Testing

/// Boxes and names drawn on stream frames, checked pixel by pixel.
@Suite("Boxes and names on the stream")
struct FrameAnnotationTests {
    let gray = RGBImage.filled(width: 200, height: 160, red: 100, green: 100, blue: 100)

    func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
        let p = (y * image.width + x) * 3
        return Array(image.pixels[p..<p + 3])
    }

    @Test func aKnownFaceGetsAGreenBoxAndItsNameAboveIt() {
        let box = FaceBox(top: 60, right: 120, bottom: 140, left: 40)
        let drawn = gray.annotated([.init(box: box, who: .student("s1"))], names: ["s1": "Al"], scale: 2)
        let green: [UInt8] = [0, 220, 0], black: [UInt8] = [0, 0, 0]
        #expect(pixel(drawn, 40, 100) == green && pixel(drawn, 119, 100) == green && pixel(drawn, 80, 60) == green)
        #expect(pixel(drawn, 80, 100) == [100, 100, 100], "inside the box untouched")
        // The strip is 18 pixels above the box; "A" starts 2 pixels in: its top row is .###. at scale 2.
        let top = 60 - 18, left = 40 + 2
        #expect(pixel(drawn, left, top + 2) == black)
        #expect(pixel(drawn, left + 2, top + 2) == green && pixel(drawn, left + 7, top + 3) == green)
        #expect(pixel(drawn, left + 8, top + 2) == black)
        // "L": its first column runs all the way down.
        #expect((0..<14).allSatisfy { pixel(drawn, left + 12, top + 2 + $0) == green })
        #expect(pixel(drawn, 150, top + 2) == [100, 100, 100], "the strip is as long as the name")
    }

    @Test func strangersAreLabelledUnknownAndUndecidedFacesOnlyBoxed() {
        let box = FaceBox(top: 40, right: 190, bottom: 120, left: 100)
        let unknown = gray.annotated([.init(box: box, who: .unknown)], names: [:])
        #expect(pixel(unknown, 100, 80) == [230, 0, 0])
        #expect(pixel(unknown, 102, 40 - 18) == [0, 0, 0], "a strip for UNKNOWN")
        let deciding = gray.annotated([.init(box: box, who: nil)], names: [:])
        #expect(pixel(deciding, 100, 80) == [240, 200, 0])
        #expect(pixel(deciding, 102, 40 - 18) == [100, 100, 100], "no label yet")
        #expect(gray.annotated([], names: [:]) == gray)
    }
}
