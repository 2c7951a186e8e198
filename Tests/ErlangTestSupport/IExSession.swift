import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real `iex` session without a terminal: `iex --name NAME --cookie COOKIE` with Elixir
/// expressions piped on standard input, one per line, then `System.halt()`. What IEx prints
/// (prompts and each expression's inspected value) comes back as text.
public enum IExSession {
    /// The path of `iex`, if installed.
    public static let iexPath: String? = ErlangInterop.executable(named: "iex")

    /// Runs `commands` in a fresh `iex` node named `name` (a long name such as `a@127.0.0.1`) that
    /// registers with the EPMD on `epmdPort`; returns everything it printed once it exits. Stops
    /// exactly the process it started (by its PID) when it outlives `timeout`.
    public static func run(
        name: String, cookie: String, epmdPort: Int, commands: [String], timeout: Duration = .seconds(60)
    ) async throws -> String {
        guard let iex = iexPath else { throw InteropError("iex is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: iex)
        process.arguments = ["--name", name, "--cookie", cookie]
        var environment = ProcessInfo.processInfo.environment
        environment["ERL_EPMD_PORT"] = "\(epmdPort)"
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        let output = OutputCollector(stdout.fileHandleForReading)
        try process.run()
        let script = (commands + ["System.halt()"]).joined(separator: "\n") + "\n"
        stdin.fileHandleForWriting.write(Data(script.utf8))
        try? stdin.fileHandleForWriting.close()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw InteropError("iex \(name) ran longer than \(timeout): \(String(decoding: output.finish(), as: UTF8.self))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return String(decoding: output.finish(), as: UTF8.self)
    }
}
