/// One device on an I2C bus that is only ever written to, as the LCD's port
/// expander is. The LCD driver sees the bus only through this, so it runs the
/// same against the kernel and against a recording.
public protocol I2CDevice: Sendable {
    /// Sends `bytes` to the device as one I2C write message.
    func write(_ bytes: [UInt8]) throws
}
