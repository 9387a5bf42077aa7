import FaceEngine
import Foundation

/// The five entrance clips the recognition benchmark and the device's tests
/// play (640x480, 15 frames a second, 23–26 s): people one at a time, three
/// together, small faces at the back, a student who comes back, and pairs who
/// walk through without stopping; strangers among them. Walkers are cut out of
/// the shared face photos (`../shared/faces`, split into enrolled people and
/// strangers), never from the photo a person is enrolled with (`1.jpg`).
public enum EntranceClipSet {
    public static let scenes: [EntranceScene] = [oneAtATime, threeTogether, smallFacesAtTheBack, aStudentComesBack, noPause]

    /// The enrolment photo of each enrolled person.
    public static let enrolmentPhoto = "1.jpg"

    /// Every walker's photo cut out, its face found by `engine` (the largest face in the photo).
    public static func cutouts(for scenes: [EntranceScene], photos folder: String, engine: FaceEngine) async throws -> [String: PortraitCutout] {
        var cutouts: [String: PortraitCutout] = [:]
        for walker in scenes.flatMap(\.walkers) {
            let key = walker.identity + "/" + walker.photo
            guard cutouts[key] == nil else { continue }
            let photo = try RGBImage(contentsOfFile: "\(folder)/\(key)")
            let faces = try await engine.locations(in: photo, using: .hog(upsample: 1))
            guard let face = faces.max(by: { $0.area < $1.area }) else {
                throw FaceEngineError(.invalidArgument, "\(folder)/\(key): no face to cut out")
            }
            cutouts[key] = PortraitCutout(photo: photo, face: face)
        }
        return cutouts
    }

    // MARK: The scripts

    typealias Waypoint = EntranceScene.Waypoint
    static let width = 640.0

    /// Walks in from one side to `standX` (the face growing as they come nearer), stands, and walks out the other side.
    static func visit(_ identity: String, _ photo: String, enrolled: Bool, at start: Double, from left: Bool, standX: Double, y: Double,
                      faces: (far: Double, near: Double), stand: Double, walk: Double = 1.5) -> EntranceScene.Walker {
        let offLeft = -faces.far, offRight = width + faces.far
        let enter = left ? offLeft : offRight, exit = left ? offRight : offLeft
        return EntranceScene.Walker(identity, photo: photo, enrolled: enrolled, path: [
            Waypoint(start, x: enter, y: y - 20, faceWidth: faces.far),
            Waypoint(start + walk, x: standX, y: y, faceWidth: faces.near),
            Waypoint(start + walk + stand, x: standX, y: y, faceWidth: faces.near),
            Waypoint(start + 2 * walk + stand, x: exit, y: y - 20, faceWidth: faces.far),
        ])
    }

    /// Walks across the picture without stopping.
    static func pass(_ identity: String, _ photo: String, enrolled: Bool, at start: Double, from left: Bool, y: Double,
                     face: Double, seconds: Double) -> EntranceScene.Walker {
        let offLeft = -face, offRight = width + face
        return EntranceScene.Walker(identity, photo: photo, enrolled: enrolled, path: [
            Waypoint(start, x: left ? offLeft : offRight, y: y, faceWidth: face * 0.95),
            Waypoint(start + seconds, x: left ? offRight : offLeft, y: y, faceWidth: face * 1.05),
        ])
    }

    static let oneAtATime = EntranceScene(name: "one at a time", duration: 24, walkers: [
        visit("barack_obama", "2.jpg", enrolled: true, at: 1, from: false, standX: 330, y: 170, faces: (70, 130), stand: 2),
        visit("joe_biden", "2.jpg", enrolled: true, at: 5.5, from: true, standX: 300, y: 180, faces: (70, 120), stand: 2),
        visit("john_salley", "2.jpg", enrolled: true, at: 10, from: false, standX: 320, y: 170, faces: (60, 110), stand: 2),
        visit("john_simm", "2.jpg", enrolled: false, at: 14.5, from: true, standX: 310, y: 175, faces: (60, 115), stand: 2),
        visit("john_savage", "2.jpg", enrolled: true, at: 19, from: false, standX: 330, y: 170, faces: (70, 125), stand: 1.5),
    ])

    static let threeTogether = EntranceScene(name: "three together", duration: 25, walkers: [
        visit("john_schneider", "2.jpg", enrolled: true, at: 1, from: false, standX: 170, y: 160, faces: (60, 95), stand: 3),
        visit("john_shimkus", "2.jpg", enrolled: true, at: 1.2, from: false, standX: 320, y: 150, faces: (60, 90), stand: 3),
        visit("paul_rudd", "3.jpg", enrolled: true, at: 1.4, from: false, standX: 470, y: 165, faces: (60, 95), stand: 3),
        visit("barack_obama", "3.jpg", enrolled: true, at: 11, from: true, standX: 180, y: 170, faces: (55, 85), stand: 3),
        visit("chris_pratt", "1.jpg", enrolled: false, at: 11.2, from: true, standX: 330, y: 160, faces: (55, 80), stand: 3),
        visit("john_salley", "3.jpg", enrolled: true, at: 11.4, from: true, standX: 480, y: 170, faces: (55, 85), stand: 3),
        visit("john_savage", "3.jpg", enrolled: true, at: 20, from: false, standX: 320, y: 170, faces: (80, 120), stand: 1.5),
    ])

    static let smallFacesAtTheBack = EntranceScene(name: "small faces at the back", duration: 26, walkers: [
        visit("joe_biden", "2.jpg", enrolled: true, at: 1, from: true, standX: 220, y: 140, faces: (50, 58), stand: 4, walk: 2.5),
        visit("john_savage", "4.jpg", enrolled: true, at: 1.3, from: true, standX: 320, y: 130, faces: (50, 55), stand: 4, walk: 2.5),
        visit("codait_bryan", "1.jpg", enrolled: false, at: 1.6, from: true, standX: 420, y: 140, faces: (50, 56), stand: 4, walk: 2.5),
        EntranceScene.Walker("john_shimkus", photo: "4.jpg", enrolled: true, path: [
            Waypoint(12, x: 330, y: 120, faceWidth: 48), Waypoint(15, x: 320, y: 190, faceWidth: 150),
            Waypoint(17, x: 320, y: 190, faceWidth: 150), Waypoint(18.5, x: 700, y: 190, faceWidth: 150),
        ]),
        pass("john_schneider", "3.jpg", enrolled: true, at: 19, from: false, y: 150, face: 60, seconds: 5),
        pass("codait_luciano", "1.jpg", enrolled: false, at: 19.4, from: false, y: 150, face: 55, seconds: 5),
    ])

    static let aStudentComesBack = EntranceScene(name: "a student comes back", duration: 25, walkers: [
        visit("john_salley", "4.jpg", enrolled: true, at: 1, from: true, standX: 320, y: 170, faces: (70, 120), stand: 2),
        visit("paul_rudd", "3.jpg", enrolled: true, at: 5.5, from: false, standX: 330, y: 175, faces: (70, 115), stand: 2),
        visit("john_schneider", "4.jpg", enrolled: true, at: 10, from: true, standX: 310, y: 170, faces: (65, 110), stand: 2),
        visit("john_salley", "5.jpg", enrolled: true, at: 14.5, from: false, standX: 330, y: 170, faces: (70, 120), stand: 2),
        visit("eileen_collins", "1.jpg", enrolled: false, at: 19, from: true, standX: 320, y: 170, faces: (70, 120), stand: 2),
    ])

    static let noPause = EntranceScene(name: "no pause", duration: 23, walkers: [
        pass("barack_obama", "4.jpg", enrolled: true, at: 1, from: true, y: 170, face: 100, seconds: 4),
        pass("paul_rudd", "3.jpg", enrolled: true, at: 1.6, from: true, y: 165, face: 90, seconds: 4),
        pass("john_shimkus", "3.jpg", enrolled: true, at: 6, from: false, y: 170, face: 95, seconds: 4),
        pass("lin_manuel_miranda", "1.jpg", enrolled: false, at: 6.6, from: false, y: 165, face: 90, seconds: 4),
        pass("john_savage", "5.jpg", enrolled: true, at: 11, from: true, y: 170, face: 105, seconds: 4),
        pass("john_schneider", "5.jpg", enrolled: true, at: 11.6, from: true, y: 160, face: 85, seconds: 4),
        pass("john_salley", "6.jpg", enrolled: true, at: 16, from: false, y: 170, face: 100, seconds: 4),
        pass("joe_biden", "2.jpg", enrolled: true, at: 16.6, from: false, y: 165, face: 95, seconds: 4),
    ])
}
