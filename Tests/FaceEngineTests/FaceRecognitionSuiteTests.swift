import FaceEngine
import TestSupport
import Testing

/// The expectations of face_recognition 1.3.0's own test suite, on its own
/// test images, fetched from its source archive on PyPI.
@Suite("face_recognition 1.3.0 test suite expectations")
struct FaceRecognitionSuiteTests {
    static func image(_ name: String) async throws -> RGBImage {
        try RGBImage(contentsOfFile: await RegistryDownloads.faceRecognitionTestImages() + "/" + name)
    }

    @Test func rawFaceLocations() async throws {
        let found = try await Fixtures.engine.detect(in: await Self.image("obama.jpg"))
        #expect(found.count == 1)
        #expect(found.first?.top == 142 && found.first?.bottom == 409)
    }

    @Test func faceLocations() async throws {
        let boxes = try await Fixtures.engine.locations(in: await Self.image("obama.jpg"))
        #expect(boxes == [FaceBox(top: 142, right: 617, bottom: 409, left: 349)])
    }

    @Test func thirtyTwoBitPNGDropsAlpha() async throws {
        let image = try await Self.image("32bit.png")
        #expect(image.height == 1200 && image.width == 626)
        let found = try await Fixtures.engine.detect(in: image)
        #expect(found.count == 1)
        #expect(found.first?.top == 290 && found.first?.bottom == 558)
    }

    @Test func partialFacesAreTrimmedToTheImage() async throws {
        let first = try await Fixtures.engine.locations(in: await Self.image("obama_partial_face.jpg"))
        #expect(first == [FaceBox(top: 142, right: 191, bottom: 365, left: 0)])
        let second = try await Fixtures.engine.locations(in: await Self.image("obama_partial_face2.jpg"))
        #expect(second == [FaceBox(top: 142, right: 551, bottom: 409, left: 349)])
    }

    @Test func smallModelNoseTip() async throws {
        let image = try await Self.image("obama.jpg")
        let landmarks = try await Fixtures.engine.withWorker { worker in
            try worker.detect(image, with: .standard).map { try worker.landmarks(image, of: $0) }
        }
        #expect(landmarks.count == 1)
        #expect(landmarks.first?.points[4] == FacePoint(x: 496, y: 295))
    }

    @Test func cnnFaceLocations() async throws {
        let boxes = try await Fixtures.engine.locations(in: await Self.image("obama.jpg"), using: .cnn(upsample: 1))
        let box = try #require(boxes.first)
        #expect(boxes.count == 1)
        #expect(abs(box.top - 144) <= 25 && abs(box.right - 608) <= 25)
        #expect(abs(box.bottom - 389) <= 25 && abs(box.left - 363) <= 25)
        // The batched test, at upsample 0, pins the box exactly.
        let exact = try await Fixtures.engine.locations(in: await Self.image("obama.jpg"), using: .cnn(upsample: 0))
        #expect(exact == [FaceBox(top: 154, right: 611, bottom: 390, left: 375)])
    }

    @Test func cnnOnThirtyTwoBitPNG() async throws {
        let found = try await Fixtures.engine.detect(in: await Self.image("32bit.png"), using: .cnn(upsample: 1))
        #expect(found.count == 1)
        #expect(abs((found.first?.top ?? 0) - 259) <= 25 && abs((found.first?.bottom ?? 0) - 552) <= 25)
    }

    @Test func distancesAndComparisons() async throws {
        func descriptor(_ name: String) async throws -> FaceDescriptor {
            try #require(try await Fixtures.engine.faces(in: await Self.image(name)).first).descriptor
        }
        let obama = try await descriptor("obama.jpg")
        let others = [try await descriptor("obama2.jpg"), try await descriptor("obama3.jpg"), try await descriptor("biden.jpg")]
        #expect(others.map { obama.matches($0) } == [true, true, false])
        #expect(others[2].distance(to: obama) > 0.6)
        #expect(obama.distance(to: obama) == 0)
    }
}
