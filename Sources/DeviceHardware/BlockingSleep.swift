import Glibc

/// Sleeps the calling thread. The LCD's waits are tens of microseconds to
/// tens of milliseconds between bus writes that are themselves blocking, so
/// an async sleep would add a suspension per character for no gain.
public enum BlockingSleep {
    public static func sleep(_ duration: Duration) {
        guard duration > .zero else { return }
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        // A signal cuts nanosleep short; the controller still needs the rest.
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }
}
