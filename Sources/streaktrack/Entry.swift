import ArgumentParser
import FaceEngine
import StreakTrackCLI

// The command tree lives in StreakTrackCLI; this target only starts it, on the
// fastest matrix kernel this processor runs (`BLASKernel`).
@main
enum Entry {
    static func main() async {
        BLASKernel.restartWithTheFastestKernel()
        await StreakTrackCommand.main()
    }
}
