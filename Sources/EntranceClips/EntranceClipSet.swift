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

    /// Where Debian's libdlib package puts dlib's example photos of five Johns.
    public static let dlibJohnsFolder = "/usr/share/doc/libdlib19.1/examples/johns"

    /// The file of a walker's photo: in `shared` (the shared face photos) or in dlib's Johns.
    public static func file(of walker: EntranceScene.Walker, shared folder: String, dlibJohns: String = dlibJohnsFolder) -> String {
        switch walker.photoSet {
        case .shared: return "\(folder)/\(walker.identity)/\(walker.photo)"
        case .dlibJohns:
            // john_savage -> John_Savage
            let name = walker.identity.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "_")
            return "\(dlibJohns)/\(name)/\(walker.photo)"
        }
    }

    /// Every walker's photo cut out, its face found by `engine` (the largest face in the photo).
    public static func cutouts(for scenes: [EntranceScene], photos folder: String, engine: FaceEngine) async throws -> [String: PortraitCutout] {
        var cutouts: [String: PortraitCutout] = [:]
        for walker in scenes.flatMap(\.walkers) {
            let key = walker.identity + "/" + walker.photo
            guard cutouts[key] == nil else { continue }
            let file = file(of: walker, shared: folder)
            let photo = try RGBImage(contentsOfFile: file)
            let faces = try await engine.locations(in: photo, using: .hog(upsample: 1))
            guard let face = faces.max(by: { $0.area < $1.area }) else {
                throw FaceEngineError(.invalidArgument, "\(file): no face to cut out")
            }
            cutouts[key] = PortraitCutout(photo: photo, face: face)
        }
        return cutouts
    }

    /// Clips of look-alikes: people who are not enrolled, but whose nearest face on the roster is
    /// 0.61–0.67 away (the closest pairs of different people in the photos at hand, from dlib's
    /// Johns), walk in among enrolled people. Nobody may be marked as someone else. The roster is
    /// everyone in the shared photos but the two look-alikes (ten people).
    public static let lookAlikeRoster = ["barack_obama", "joe_biden", "john_salley", "john_schneider", "john_shimkus", "paul_rudd",
                                         "chris_pratt", "codait_bryan", "codait_luciano", "lin_manuel_miranda"]
    public static let lookAlikeScenes: [EntranceScene] = [lookAlikesOneAtATime, lookAlikesTogether]

    // MARK: The scripts

    typealias Waypoint = EntranceScene.Waypoint
    static let width = 640.0

    /// Walks in from one side to `standX` (the face growing as they come nearer), stands, and walks out the other side.
    static func visit(_ identity: String, _ photo: String, from photoSet: EntranceScene.PhotoSet = .shared, enrolled: Bool, at start: Double,
                      left: Bool, standX: Double, y: Double, faces: (far: Double, near: Double), stand: Double, walk: Double = 1.5) -> EntranceScene.Walker {
        let offLeft = -faces.far, offRight = width + faces.far
        let enter = left ? offLeft : offRight, exit = left ? offRight : offLeft
        return EntranceScene.Walker(identity, photo: photo, from: photoSet, enrolled: enrolled, path: [
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
        visit("barack_obama", "2.jpg", enrolled: true, at: 1, left: false, standX: 330, y: 170, faces: (70, 130), stand: 2),
        visit("joe_biden", "2.jpg", enrolled: true, at: 5.5, left: true, standX: 300, y: 180, faces: (70, 120), stand: 2),
        visit("john_salley", "2.jpg", enrolled: true, at: 10, left: false, standX: 320, y: 170, faces: (60, 110), stand: 2),
        visit("john_simm", "2.jpg", enrolled: false, at: 14.5, left: true, standX: 310, y: 175, faces: (60, 115), stand: 2),
        visit("john_savage", "2.jpg", enrolled: true, at: 19, left: false, standX: 330, y: 170, faces: (70, 125), stand: 1.5),
    ])

    static let threeTogether = EntranceScene(name: "three together", duration: 25, walkers: [
        visit("john_schneider", "2.jpg", enrolled: true, at: 1, left: false, standX: 170, y: 160, faces: (60, 95), stand: 3),
        visit("john_shimkus", "2.jpg", enrolled: true, at: 1.2, left: false, standX: 320, y: 150, faces: (60, 90), stand: 3),
        visit("paul_rudd", "3.jpg", enrolled: true, at: 1.4, left: false, standX: 470, y: 165, faces: (60, 95), stand: 3),
        visit("barack_obama", "3.jpg", enrolled: true, at: 11, left: true, standX: 180, y: 170, faces: (55, 85), stand: 3),
        visit("chris_pratt", "1.jpg", enrolled: false, at: 11.2, left: true, standX: 330, y: 160, faces: (55, 80), stand: 3),
        visit("john_salley", "3.jpg", enrolled: true, at: 11.4, left: true, standX: 480, y: 170, faces: (55, 85), stand: 3),
        visit("john_savage", "3.jpg", enrolled: true, at: 20, left: false, standX: 320, y: 170, faces: (80, 120), stand: 1.5),
    ])

    static let smallFacesAtTheBack = EntranceScene(name: "small faces at the back", duration: 26, walkers: [
        visit("joe_biden", "2.jpg", enrolled: true, at: 1, left: true, standX: 220, y: 140, faces: (50, 58), stand: 4, walk: 2.5),
        visit("john_savage", "4.jpg", enrolled: true, at: 1.3, left: true, standX: 320, y: 130, faces: (50, 55), stand: 4, walk: 2.5),
        visit("codait_bryan", "1.jpg", enrolled: false, at: 1.6, left: true, standX: 420, y: 140, faces: (50, 56), stand: 4, walk: 2.5),
        EntranceScene.Walker("john_shimkus", photo: "4.jpg", enrolled: true, path: [
            Waypoint(12, x: 330, y: 120, faceWidth: 48), Waypoint(15, x: 320, y: 190, faceWidth: 150),
            Waypoint(17, x: 320, y: 190, faceWidth: 150), Waypoint(18.5, x: 700, y: 190, faceWidth: 150),
        ]),
        pass("john_schneider", "3.jpg", enrolled: true, at: 19, from: false, y: 150, face: 60, seconds: 5),
        pass("codait_luciano", "1.jpg", enrolled: false, at: 19.4, from: false, y: 150, face: 55, seconds: 5),
    ])

    static let aStudentComesBack = EntranceScene(name: "a student comes back", duration: 25, walkers: [
        visit("john_salley", "4.jpg", enrolled: true, at: 1, left: true, standX: 320, y: 170, faces: (70, 120), stand: 2),
        visit("paul_rudd", "3.jpg", enrolled: true, at: 5.5, left: false, standX: 330, y: 175, faces: (70, 115), stand: 2),
        visit("john_schneider", "4.jpg", enrolled: true, at: 10, left: true, standX: 310, y: 170, faces: (65, 110), stand: 2),
        visit("john_salley", "5.jpg", enrolled: true, at: 14.5, left: false, standX: 330, y: 170, faces: (70, 120), stand: 2),
        visit("eileen_collins", "1.jpg", enrolled: false, at: 19, left: true, standX: 320, y: 170, faces: (70, 120), stand: 2),
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

    /// John Savage is not enrolled; his nearest face on the roster is Joe Biden's (0.615 and 0.617
    /// for these two photos); John Simm's is John Schneider's (0.67).
    static let lookAlikesOneAtATime = EntranceScene(name: "look-alikes one at a time", duration: 24, walkers: [
        visit("john_savage", "000290_01099090.jpg", from: .dlibJohns, enrolled: false, at: 1, left: false, standX: 320, y: 170, faces: (70, 120), stand: 2),
        visit("joe_biden", "2.jpg", enrolled: true, at: 5.5, left: true, standX: 310, y: 175, faces: (70, 115), stand: 2),
        visit("john_simm", "000306_00470222.jpg", from: .dlibJohns, enrolled: false, at: 10, left: false, standX: 330, y: 170, faces: (65, 110), stand: 2),
        visit("john_schneider", "2.jpg", enrolled: true, at: 14.5, left: true, standX: 320, y: 170, faces: (70, 120), stand: 2),
        visit("john_savage", "000274_01099061.jpg", from: .dlibJohns, enrolled: false, at: 19, left: false, standX: 320, y: 170, faces: (70, 120), stand: 2),
    ], alsoEnrolled: lookAlikeRoster)

    /// Look-alikes standing beside the people they resemble, small and large; John Shimkus walks in
    /// as a photo 0.50 from his enrolment photo (and 0.67 from Joe Biden's).
    static let lookAlikesTogether = EntranceScene(name: "look-alikes together", duration: 20, walkers: [
        visit("john_savage", "000277_01099000.jpg", from: .dlibJohns, enrolled: false, at: 1, left: false, standX: 170, y: 160, faces: (60, 95), stand: 3),
        visit("joe_biden", "2.jpg", enrolled: true, at: 1.2, left: false, standX: 320, y: 150, faces: (60, 90), stand: 3),
        visit("john_shimkus", "000394_02340150.jpg", from: .dlibJohns, enrolled: true, at: 1.4, left: false, standX: 470, y: 165, faces: (60, 95), stand: 3),
        visit("john_simm", "000310_00470511.jpg", from: .dlibJohns, enrolled: false, at: 11, left: true, standX: 180, y: 170, faces: (55, 85), stand: 3),
        visit("john_schneider", "4.jpg", enrolled: true, at: 11.2, left: true, standX: 330, y: 160, faces: (55, 80), stand: 3),
        visit("barack_obama", "2.jpg", enrolled: true, at: 11.4, left: true, standX: 480, y: 170, faces: (55, 85), stand: 3),
    ], alsoEnrolled: lookAlikeRoster)
}
