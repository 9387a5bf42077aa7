/// What the LEDs do for an event: steps of lights held for a time, then the
/// resting state (blue while connected, as the original).
public struct LightPattern: Equatable, Sendable {
    public struct Step: Equatable, Sendable {
        public let lights: Lights
        public let duration: Duration
    }

    public let steps: [Step]

    public init(_ steps: [Step]) {
        self.steps = steps
    }

    public static func hold(_ lights: Lights, for duration: Duration) -> LightPattern {
        LightPattern([Step(lights: lights, duration: duration)])
    }

    /// `times` flashes of `lights`, each on and off for `period`.
    public static func blink(_ lights: Lights, times: Int, period: Duration) -> LightPattern {
        LightPattern((0..<times).flatMap { _ in [Step(lights: lights, duration: period), Step(lights: .off, duration: period)] })
    }

    public static let marked = hold(Lights(green: true), for: .seconds(2))
    public static let alreadyMarked = blink(Lights(yellow: true), times: 3, period: .milliseconds(200))
    public static let unknown = hold(Lights(red: true), for: .seconds(1))
    /// Yellow then red, twice: seen, but not sure who (a look-alike of two students).
    public static let unsure = LightPattern((0..<2).flatMap { _ in
        [Step(lights: Lights(yellow: true), duration: .milliseconds(250)), Step(lights: Lights(red: true), duration: .milliseconds(250))]
    })
    public static let faceSeen = hold(Lights(yellow: true), for: .milliseconds(500))
    public static let error = blink(Lights(red: true), times: 2, period: .milliseconds(250))
}
