import Foundation

/// An Elixir node the demo starts (`elixir --name ... -e`), registered with the demo's EPMD and
/// running the default `pg` scope. It evaluates the Elixir lines the demo writes to its standard
/// input, one at a time, and answers with `inspect/1` of the value. ``stop()`` kills exactly it.
final class DemoBEAMNode: @unchecked Sendable {
    // @unchecked: `process` and `input` are set once in init; `output` is guarded by its lock.
    let name: String
    private let process: Process
    private let input: FileHandle
    private let lock = NSLock()
    private var results: [String] = []
    private var partial = Data()

    private static let marker = "DEMO-RESULT "

    init(elixir: String, name: String, cookie: String, epmdPort: Int) throws {
        self.name = name
        process = Process()
        process.executableURL = URL(fileURLWithPath: elixir)
        process.arguments = ["--name", name, "--cookie", cookie, "--erl", "-kernel start_pg true -start_epmd false", "-e", Self.evalLoop]
        var environment = ProcessInfo.processInfo.environment
        environment["ERL_EPMD_PORT"] = String(epmdPort)
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        input = stdin.fileHandleForWriting
        try process.run()
        let reader = stdout.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = reader.availableData
                if data.isEmpty { return }
                collect(data)
            }
        }
    }

    private func collect(_ data: Data) {
        lock.lock()
        defer { lock.unlock() }
        partial.append(data)
        while let newline = partial.firstIndex(of: 0x0A) {
            let line = String(decoding: partial[partial.startIndex..<newline], as: UTF8.self)
            partial.removeSubrange(partial.startIndex...newline)
            if line.hasPrefix(Self.marker) { results.append(String(line.dropFirst(Self.marker.count))) }
        }
    }

    private func takeResult() -> String? {
        lock.lock()
        defer { lock.unlock() }
        return results.isEmpty ? nil : results.removeFirst()
    }

    /// Evaluates one line of Elixir and returns `inspect/1` of its value.
    func eval(_ code: String, timeout: Duration = .seconds(30)) async throws -> String {
        try input.write(contentsOf: Data((code + "\n").utf8))
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let result = takeResult() { return result }
            guard process.isRunning else { throw DemoError("the Elixir node \(name) exited") }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw DemoError("the Elixir node \(name) did not answer within \(timeout): \(code)")
    }

    /// Evaluates `code` until it gives `expected`, for at most `timeout`.
    func waitFor(_ code: String, toBe expected: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await eval(code)
            if last == expected { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw DemoError("\(code) on \(name) is still \(last), not \(expected), after \(timeout)")
    }

    /// The operating system's process id.
    var pid: Int32 { process.processIdentifier }

    /// Kills exactly this node's process and waits for it.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private static let evalLoop = """
        loop = fn loop ->
          case IO.gets("") do
            line when is_binary(line) ->
              result = try do
                {value, _} = Code.eval_string(line)
                inspect(value)
              rescue
                e -> "** " <> Exception.message(e)
              catch
                kind, reason -> "** " <> inspect({kind, reason})
              end
              IO.puts("\(marker)" <> result)
              loop.(loop)
            _ -> System.halt(0)
          end
        end
        loop.(loop)
        """
}
