import DeviceHardware
import Testing

@Suite("LED pins on the 40-pin header")
struct LEDPinTests {
    @Test("the original device's BOARD pins are BCM 12, 16, 20, 21")
    func originalWiring() throws {
        let pins = try LEDPins(boardGreen: 32, yellow: 36, blue: 38, red: 40)
        #expect(pins.offsets == [12, 16, 20, 21])
        #expect(pins == .streakTrack)
        #expect(try LEDPins(bcmGreen: 12, yellow: 16, blue: 20, red: 21) == .streakTrack)
    }

    @Test("BOARD to BCM for every GPIO pin of the header")
    func wholeHeader() throws {
        let expected: [Int: UInt32] = [
            3: 2, 5: 3, 7: 4, 8: 14, 10: 15, 11: 17, 12: 18, 13: 27, 15: 22, 16: 23, 18: 24, 19: 10, 21: 9, 22: 25,
            23: 11, 24: 8, 26: 7, 27: 0, 28: 1, 29: 5, 31: 6, 32: 12, 33: 13, 35: 19, 36: 16, 37: 26, 38: 20, 40: 21,
        ]
        for (pin, gpio) in expected {
            #expect(try RaspberryPiHeader.gpio(forBoardPin: pin) == gpio)
            #expect(RaspberryPiHeader.boardPin(forGPIO: gpio) == pin)
        }
        // BCM 0-27, each on exactly one pin.
        #expect(Set(expected.values) == Set(0...27))
    }

    @Test("power, ground and off-header pins are rejected with the reason", arguments: [
        (1, "pin 1 is 3.3 V power"), (2, "pin 2 is 5 V power"), (4, "pin 4 is 5 V power"), (17, "pin 17 is 3.3 V power"),
        (6, "pin 6 is ground"), (9, "pin 9 is ground"), (14, "pin 14 is ground"), (20, "pin 20 is ground"),
        (25, "pin 25 is ground"), (30, "pin 30 is ground"), (34, "pin 34 is ground"), (39, "pin 39 is ground"),
        (0, "pin 0 is not on the 40-pin header"), (41, "pin 41 is not on the 40-pin header"),
        (-3, "pin -3 is not on the 40-pin header"),
    ])
    func invalidBoardPins(pin: Int, reason: String) {
        #expect {
            try RaspberryPiHeader.gpio(forBoardPin: pin)
        } throws: { error in
            (error as? HardwareError)?.description.hasPrefix(reason) == true
        }
    }

    @Test("BCM numbers off the header and shared pins are rejected")
    func invalidBCM() {
        #expect(throws: HardwareError.invalidPin("GPIO 28 is not on the 40-pin header (BCM GPIOs there are 0-27)")) {
            try LEDPins(bcmGreen: 12, yellow: 16, blue: 20, red: 28)
        }
        #expect(throws: HardwareError.self) { try LEDPins(bcmGreen: -1, yellow: 16, blue: 20, red: 21) }
        #expect(throws: HardwareError.self) { try LEDPins(boardGreen: 32, yellow: 36, blue: 38, red: 6) }
        #expect {
            try LEDPins(boardGreen: 32, yellow: 32, blue: 38, red: 40)
        } throws: { error in
            (error as? HardwareError)?.description.contains("same pin") == true
        }
    }
}
