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
        let (process, input, stdout) = try ErlangInterop.launch(iex, ["--name", name, "--cookie", cookie], epmdPort: epmdPort)
        let output = OutputCollector(stdout)
        let script = (commands + ["System.halt()"]).joined(separator: "\n") + "\n"
        input.write(Data(script.utf8))
        try? input.close()
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
