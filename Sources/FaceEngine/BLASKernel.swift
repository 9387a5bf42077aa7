import CFaceEngine
import Foundation

/// The matrix kernel OpenBLAS runs the descriptor network on. OpenBLAS picks it
/// by the processor's model number when it loads, and a processor newer than the
/// OpenBLAS release (Debian 12 ships 0.3.21) gets its oldest x86-64 kernel,
/// "Prescott": measured on this project's build machine (an AVX-512 Xeon), a face
/// descriptor took 48 ms on it, 22 ms on "Haswell" and 19 ms on "SkylakeX".
/// OpenBLAS reads `OPENBLAS_CORETYPE` only when it loads, so the fix is to start
/// the process again with it set (`restartWithTheFastestKernel`).
public enum BLASKernel {
    /// OpenBLAS's x86-64 kernels by the instructions they need, fastest first.
    static let kernels: [(name: String, needs: [String])] = [
        ("SkylakeX", ["avx512f", "avx512bw", "avx512vl", "avx512dq"]),
        ("Haswell", ["avx2", "fma"]),
        ("Sandybridge", ["avx"]),
    ]
    /// Kernels OpenBLAS falls back to, by how fast they are (higher is faster).
    static let ranks: [String: Int] = [
        "prescott": 0, "core2": 0, "penryn": 0, "dunnington": 0, "nehalem": 0, "atom": 0,
        "sandybridge": 1, "haswell": 2, "zen": 2, "skylakex": 3, "cooperlake": 3, "sapphirerapids": 3,
    ]

    /// The kernel OpenBLAS chose (nil without OpenBLAS).
    public static var current: String? { stfe_blas_core_name().map { String(cString: $0) } }

    /// The kernel to ask for instead of `current` on a processor with the features `supports`
    /// says it has; nil when `current` is as fast as it gets here, or is one this does not know.
    public static func better(than current: String, supports: (String) -> Bool) -> String? {
        guard let have = ranks[current.lowercased()],
              let best = kernels.first(where: { $0.needs.allSatisfy(supports) }),
              let bestRank = ranks[best.name.lowercased()], bestRank > have else { return nil }
        return best.name
    }

    /// The kernel this process should have asked for, when OpenBLAS chose a slower one and
    /// nobody chose for it (`OPENBLAS_CORETYPE` unset).
    public static var suggestion: String? {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, let current else { return nil }
        return better(than: current) { stfe_cpu_supports($0) != 0 }
    }

    /// Starts this program again with `OPENBLAS_CORETYPE` set to the fastest kernel
    /// this processor runs, when OpenBLAS chose a slower one; returns (having changed
    /// nothing) when it need not, or cannot. Call it first thing in `main`, before any thread starts.
    public static func restartWithTheFastestKernel() {
        guard let kernel = suggestion else { return }
        setenv("OPENBLAS_CORETYPE", kernel, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Not restarted (no /proc?): go on as we are, slower.
        unsetenv("OPENBLAS_CORETYPE")
    }
}
