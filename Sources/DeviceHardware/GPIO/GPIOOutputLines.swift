/// A group of GPIO lines held as outputs. The LED code sees GPIO only through
/// this, so it runs the same against the kernel and against a recording.
public protocol GPIOOutputLines: Sendable {
    /// How many lines the group holds; `set` takes one level per line.
    var count: Int { get }
    /// Drives line i high for `levels[i] == true`, low otherwise.
    func set(_ levels: [Bool]) throws
    /// Drives every line low and gives the lines back. Further `set` calls fail.
    func release()
}
