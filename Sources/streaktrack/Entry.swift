import ArgumentParser
import StreakTrackCLI

// The command tree lives in StreakTrackCLI; this target only starts it.
@main
extension StreakTrackCommand {}
