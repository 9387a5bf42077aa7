import DeviceAgent
import FaceEngine
import Testing

/// A face decided from its descriptions together (`People` in FaceTrackerTests).
@Suite("Deciding a followed face")
struct FaceIdentityTests {
    func describe(_ identity: inout FaceIdentity, as person: String, weight: Double = 1) -> FaceIdentity.Candidate? {
        identity.add(People.face(person), weight: weight, judge: People.judge)?.who
    }

    @Test func aFaceBetweenTwoStudentsIsNeverMarkedAndIsCalledUnsureAfterAWhile() {
        var identity = FaceIdentity()
        for _ in 1..<identity.settings.patience {
            #expect(describe(&identity, as: "between the twins") == nil, "near two students: still deciding")
        }
        #expect(describe(&identity, as: "between the twins") == .unsure, "after `patience` descriptions: unsure, nobody marked")
        #expect(describe(&identity, as: "between the twins") == nil, "reported once")
        // The person looks at the camera: the descriptions now name one twin, and the pool follows them.
        var decided: FaceIdentity.Candidate?
        for _ in 0..<identity.settings.pooled where decided == nil { decided = describe(&identity, as: "twin a") }
        #expect(decided == .student("twin a"), "a clear look decides an unsure face")
    }

    @Test func oneStrayDescriptionAmongGoodOnesDoesNotStopADecision() {
        var identity = FaceIdentity()
        #expect(describe(&identity, as: "asha") == nil)
        #expect(describe(&identity, as: "a stranger", weight: 0.3) == nil, "one small, odd frame")
        #expect(describe(&identity, as: "asha") == .student("asha"), "two of three name Asha and the pool is nearest her")
    }

    @Test func twoDescriptionsOfAStrangerDecideUnknown() {
        var identity = FaceIdentity()
        // Each description alone is a stranger; only a mixture could land near anyone.
        #expect(describe(&identity, as: "a stranger") == nil)
        #expect(describe(&identity, as: "a stranger") == .unknown)
        #expect(identity.decided == .unknown)
    }

    @Test func aRecheckThatNamesSomeoneElseStartsAgain() {
        var identity = FaceIdentity()
        _ = describe(&identity, as: "asha")
        #expect(describe(&identity, as: "asha") == .student("asha"))
        #expect(describe(&identity, as: "asha") == nil, "the same again: nothing new")
        #expect(describe(&identity, as: "ravi") == nil && identity.decided == nil && identity.descriptions == 1, "someone else: start again")
        #expect(describe(&identity, as: "ravi") == .student("ravi"))
    }
}
