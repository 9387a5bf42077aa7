import ArgumentParser
import StreakTrackServerCLI

// The command tree lives in StreakTrackServerCLI; this target only starts it.
@main
extension ServerCommand {}
