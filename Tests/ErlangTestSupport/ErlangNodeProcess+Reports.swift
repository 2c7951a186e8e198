extension ErlangNodeProcess {
    /// What marks a crash or an error in a BEAM node's log: OTP's logger reports (`=CRASH REPORT`,
    /// `=ERROR REPORT`, `=SUPERVISOR REPORT`, a gen_server's `** Generic server ... terminating`),
    /// `error_logger` errors, and Elixir's `[error]` lines.
    public static let errorMarkers = ["CRASH REPORT", "** Generic server", "=ERROR REPORT", "SUPERVISOR REPORT", "error_logger", "[error]"]

    /// The lines of ``log`` that report a crash or an error; empty for a healthy node.
    public var errorReports: [String] {
        log.split(separator: "\n").map(String.init).filter { line in Self.errorMarkers.contains { line.contains($0) } }
    }
}
