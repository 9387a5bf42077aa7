import DeviceHardware
import Glibc
import Testing

@Suite("Errors a person can act on")
struct HardwareErrorTests {
    @Test("each I2C errno maps to its error and the message says how to fix it")
    func i2cMapping() {
        let bus = "/dev/i2c-1"
        func map(_ code: Int32, _ operation: HardwareError.I2COperation) -> HardwareError {
            HardwareError.i2c(errno: code, operation: operation, path: bus, address: 0x27)
        }
        let missing = map(ENOENT, .open)
        #expect(missing == .i2cBusMissing(path: bus))
        #expect(missing.description.hasPrefix("no /dev/i2c-1: enable I2C with `sudo raspi-config nonint do_i2c 0`"))
        #expect(missing.description.contains("dtparam=i2c_arm=on in /boot/firmware/config.txt) and reboot"))

        for code in [EACCES, EPERM] {
            #expect(map(code, .open) == .permissionDenied(path: bus, group: "i2c"))
            #expect(map(code, .open).description.contains("add the user to the i2c group"))
        }
        #expect(map(ENOTTY, .selectAddress) == .notAnI2CBus(path: bus))
        #expect(map(ENOTTY, .selectAddress).description.contains("is not an I2C bus"))
        #expect(map(EBUSY, .selectAddress) == .i2cAddressBusy(path: bus, address: 0x27))
        #expect(map(EBUSY, .selectAddress).description.contains("claimed by a kernel driver"))

        for code in [EREMOTEIO, ENXIO, EIO] {
            let nothing = map(code, .write)
            #expect(nothing == .nothingAtAddress(path: bus, address: 0x27))
            #expect(nothing.description.hasPrefix("nothing answers at 0x27 on /dev/i2c-1: check the wiring"))
            #expect(nothing.description.contains("`i2cdetect -y 1`"))
        }
        #expect(EREMOTEIO == 121)

        let other = map(ETIMEDOUT, .write)
        #expect(other == .system(path: bus, operation: "writing to 0x27", errno: ETIMEDOUT))
        #expect(other.description.contains("timed out"))
    }

    @Test("the i2cdetect hint names the bus of the path")
    func busNumberInHints() {
        let error = HardwareError.nothingAtAddress(path: "/dev/i2c-22", address: 0x3F)
        #expect(error.description.contains("nothing answers at 0x3F on /dev/i2c-22"))
        #expect(error.description.contains("`i2cdetect -y 22`"))
    }

    @Test("each GPIO errno maps to its error and the message says how to fix it")
    func gpioMapping() {
        let chip = "/dev/gpiochip0"
        #expect(HardwareError.gpio(errno: ENOENT, operation: .openChip, path: chip) == .gpioChipMissing(path: chip))
        for code in [EACCES, EPERM] {
            let denied = HardwareError.gpio(errno: code, operation: .openChip, path: chip)
            #expect(denied == .permissionDenied(path: chip, group: "gpio"))
            #expect(denied.description.contains("add the user to the gpio group"))
        }
        #expect(HardwareError.gpio(errno: ENOTTY, operation: .chipInfo, path: chip) == .notAGPIOChip(path: chip))
        let busy = HardwareError.gpio(errno: EBUSY, operation: .requestLines([12, 16, 20, 21]), path: chip)
        #expect(busy == .gpioLinesBusy(path: chip, lines: [12, 16, 20, 21]))
        #expect(busy.description.contains("12, 16, 20, 21 on /dev/gpiochip0 are held by another program"))
        #expect(busy.description.contains("`gpioinfo`"))
        let few = HardwareError.tooFewLines(path: "/dev/gpiochip1", label: "raspberrypi-exp-gpio", has: 8, needs: 22)
        #expect(few.description.contains("has 8 lines but line 21 is needed"))
        #expect(HardwareError.gpio(errno: EINVAL, operation: .setValues, path: chip).description.contains("Invalid argument"))
    }
}
