import ArgumentParser
import FaceEngine
import StreakTrackServerCLI

// The command tree lives in StreakTrackServerCLI; this target only starts it, on
// the fastest matrix kernel this processor runs (`BLASKernel`: enrolment describes photos).
@main
enum Entry {
    static func main() async {
        BLASKernel.restartWithTheFastestKernel()
        await ServerCommand.main()
    }
}
