import FaceEngine
import Testing

/// Which OpenBLAS kernel a process restarts on: the fastest the processor runs,
/// only when OpenBLAS fell back to a slower one, never one the processor cannot run.
@Suite("The matrix kernel")
struct BLASKernelTests {
    static let avx512 = Set(["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq"])
    static let avx2 = Set(["avx", "avx2", "fma"])

    @Test func aFallbackKernelIsReplacedByTheFastestThisProcessorRuns() {
        #expect(BLASKernel.better(than: "Prescott", supports: Self.avx512.contains) == "SkylakeX")
        #expect(BLASKernel.better(than: "Prescott", supports: Self.avx2.contains) == "Haswell")
        #expect(BLASKernel.better(than: "Nehalem", supports: ["avx"].contains) == "Sandybridge")
        #expect(BLASKernel.better(than: "Haswell", supports: Self.avx512.contains) == "SkylakeX")
    }

    @Test func aKernelAsFastAsItGetsOrUnknownIsLeftAlone() {
        #expect(BLASKernel.better(than: "SkylakeX", supports: Self.avx512.contains) == nil)
        #expect(BLASKernel.better(than: "Haswell", supports: Self.avx2.contains) == nil)
        #expect(BLASKernel.better(than: "Zen", supports: Self.avx2.contains) == nil)
        #expect(BLASKernel.better(than: "Prescott", supports: { _ in false }) == nil, "an old processor keeps the old kernel")
        #expect(BLASKernel.better(than: "ARMV8", supports: Self.avx512.contains) == nil, "a kernel this does not know (a Pi's) is left alone")
        #expect(BLASKernel.better(than: "Prescott", supports: ["avx512f", "avx2"].contains) == nil,
                "AVX-512 without the rest of SkylakeX's needs, and AVX2 without FMA, is not enough")
    }
}
