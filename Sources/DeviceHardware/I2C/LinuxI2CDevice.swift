import CLinuxHardware

/// A device at one address of a Linux i2c-dev bus (/dev/i2c-N).
public final class LinuxI2CDevice: I2CDevice {
    public let path: String
    public let address: Int
    private let fd: Int32

    /// Opens `path` and directs its writes to the 7-bit `address`. Nothing is
    /// sent yet, so a missing device shows only at the first write.
    public init(path: String = "/dev/i2c-1", address: Int = 0x27) throws {
        self.path = path
        self.address = address
        let opened = st_open_device(path)
        guard opened >= 0 else { throw HardwareError.i2c(errno: -opened, operation: .open, path: path, address: address) }
        let selected = st_i2c_select(opened, Int32(address))
        guard selected == 0 else {
            _ = st_close(opened)
            throw HardwareError.i2c(errno: -selected, operation: .selectAddress, path: path, address: address)
        }
        fd = opened
    }

    deinit {
        _ = st_close(fd)
    }

    public func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        let result = bytes.withUnsafeBufferPointer { st_write(fd, $0.baseAddress, $0.count) }
        guard result == 0 else {
            throw HardwareError.i2c(errno: -result, operation: .write, path: path, address: address)
        }
    }
}
