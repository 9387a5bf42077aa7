/// This build's release number, said in one place: every executable's `--version`,
/// the admin's `/healthz`, `streaktrack_build_info` on `/metrics`. Raised with each
/// release; `CHANGELOG.md` says what changed.
public enum StreakTrackVersion {
    public static let number = "0.18.0"
}
