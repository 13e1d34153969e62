import CCleanup

/// Files to remove if the command is stopped by Ctrl-C (SIGINT), SIGTERM or SIGHUP: the locks of
/// its outputs and the temporary files of outputs not yet in place, so that a stopped command
/// leaves only what it would leave on failure (a batch's `.partial` file and plan, for
/// `--resume`). A SIGKILL cannot be caught: what it leaves is removed by the next command that
/// writes the same output.
public enum Cleanup {
    /// Installs the signal handlers (the command-line program does, once, before any work).
    public static func installHandlers() { escalation_cleanup_install() }

    static func register(_ paths: [String]) {
        for path in paths { escalation_cleanup_add(path) }
    }

    static func unregister(_ paths: [String]) {
        for path in paths { escalation_cleanup_remove(path) }
    }
}
