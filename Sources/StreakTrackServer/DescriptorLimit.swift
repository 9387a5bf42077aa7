import Foundation

/// The process's limit on open files, raised to what the system allows: every
/// connection is a descriptor, and a default of 1,024 is a few hundred devices.
enum DescriptorLimit {
    /// Raises the soft limit to the hard one and returns the limit in force.
    static func raise() -> Int {
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
