import Foundation

/// How tests reach a real Erlang/OTP installation.
///
/// Interop tests run when `erl` is on the PATH. With `ERLANG_INTEROP=1` (CI sets it) they always
/// run, so a missing `erl` fails them instead of skipping them.
public enum ErlangInterop {
    /// The `swerl` executable built beside the tests, or `SWERL_BIN`.
    public static func swerlExecutable() throws -> String {
        if let path = ProcessInfo.processInfo.environment["SWERL_BIN"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("swerl").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw InteropError("the swerl executable is not built next to the tests (run `swift build` first, or set SWERL_BIN)")
    }

    /// Whether `ERLANG_INTEROP=1` demands the interop tests.
    public static let isRequired = ProcessInfo.processInfo.environment["ERLANG_INTEROP"] == "1"

    /// The path of `erl`, if installed.
    public static let erlPath: String? = executable(named: "erl")

    /// Whether interop tests should run: `erl` is present, or `ERLANG_INTEROP=1` requires them
    /// (in which case a missing `erl` makes them fail).
    public static let shouldRun = erlPath != nil || isRequired

    /// Finds an executable on the PATH.
    public static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Starts a BEAM program (`erl`, `elixir`, `iex`) that finds its EPMD on `epmdPort`
    /// (`ERL_EPMD_PORT`), with its standard input a pipe and its standard output and error one
    /// pipe; the caller stops the process.
    static func launch(
        _ executable: String, _ arguments: [String], epmdPort: Int
    ) throws -> (process: Process, input: FileHandle, output: FileHandle) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["ERL_EPMD_PORT"] = "\(epmdPort)"
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        return (process, stdin.fileHandleForWriting, stdout.fileHandleForReading)
    }

    /// Fails with a clear error when `erl` is missing.
    public static func requireErl() throws -> String {
        guard let erlPath else { throw InteropError("erl is not installed; ERLANG_INTEROP=1 requires it") }
        return erlPath
    }

    /// Runs `erl -noshell` evaluating `expression` (which must end by calling `halt()`), feeding
    /// `input` on standard input, and returns standard output. Fails on a non-zero exit or a timeout.
    public static func eval(_ expression: String, input: Data = Data(), timeout: Duration = .seconds(120)) throws -> Data {
        let erl = try requireErl()
        return try run(erl, ["-noshell", "-eval", expression], input: input, timeout: timeout)
    }

    /// Runs `executable` with `arguments`, feeding `input`, and returns standard output; stops the
    /// process it started (by its PID) when it outlives `timeout`.
    public static func run(_ executable: String, _ arguments: [String], input: Data = Data(), timeout: Duration = .seconds(120)) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        let output = OutputCollector(stdout.fileHandleForReading)
        let errors = OutputCollector(stderr.fileHandleForReading)
        stdin.fileHandleForWriting.write(input)
        try? stdin.fileHandleForWriting.close()
        let seconds = Double(timeout.components.seconds)
        if done.wait(timeout: .now() + seconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            throw InteropError("\(executable) \(arguments.prefix(1)) ran longer than \(timeout)")
        }
        let result = output.finish()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.finish().prefix(4000), as: UTF8.self)
            throw InteropError("\(executable) exited with \(process.terminationStatus): \(message)")
        }
        return result
    }
}

/// An interop test could not do its work.
public struct InteropError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}

/// Reads a pipe to its end on a background thread, so a chatty child never blocks on a full pipe.
final class OutputCollector: @unchecked Sendable {
    // @unchecked: `data` is written by the reading thread only before `finished` is signalled,
    // and read by the caller only after waiting for that signal.
    private var data = Data()
    private let finished = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            finished.signal()
        }
    }

    func finish() -> Data {
        finished.wait()
        return data
    }
}
