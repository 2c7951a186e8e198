import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A long-running `erl` node started for one test and driven through its standard input: each
/// ``eval(_:timeout:)`` sends one Erlang expression and returns what it evaluated to, printed with
/// `~w`. The node's own process (the one evaluating) is registered as `swerl_test`, so messages
/// sent to that name can be awaited with `receive`. ``stop()`` kills exactly this node's process.
public final class ErlangNodeProcess: @unchecked Sendable {
    // @unchecked: `process` and the pipes are set once in init; the output is read by one thread
    // and shared through `output`, which its lock guards.

    /// The node name, `alive@127.0.0.1`.
    public let name: String
    /// The node's cookie.
    public let cookie: String
    /// The distribution port, when one was fixed.
    public let distributionPort: Int?

    private let process: Process
    private let input: FileHandle
    private let output: LineCollector

    private static let marker = "SWERL-RESULT "

    /// Starts `erl -name NAME@127.0.0.1` and waits until its command loop answers.
    ///
    /// - Parameters:
    ///   - alive: the part before `@` (make it unique, see ``DistributionTestNames``); `undefined`
    ///     starts a node without a name that asks the first node it connects to for one.
    ///   - cookie: the cookie.
    ///   - distributionPort: a fixed distribution listen port (`inet_dist_listen_min/max`).
    ///   - epmdPort: the EPMD the node registers with and looks other nodes up in (`ERL_EPMD_PORT`).
    ///   - hidden: start with `-hidden`.
    ///   - netTickTime: `-kernel net_ticktime`, in seconds.
    ///   - arguments: more `erl` arguments (for Elixir, passed through `--erl`).
    ///   - elixir: start the node with `elixir --name ... -e` instead of `erl` (an Elixir node,
    ///     as `iex` runs one); it evaluates the same Erlang expressions.
    public init(
        alive: String,
        cookie: String,
        distributionPort: Int? = nil,
        epmdPort: Int,
        hidden: Bool = false,
        netTickTime: Int? = nil,
        arguments: [String] = [],
        elixir: Bool = false
    ) async throws {
        let erl = try ErlangInterop.requireErl()
        self.name = "\(alive)@127.0.0.1"
        self.cookie = cookie
        self.distributionPort = distributionPort
        var erlArgs: [String] = []
        if let distributionPort {
            erlArgs += ["-kernel", "inet_dist_listen_min", "\(distributionPort)", "inet_dist_listen_max", "\(distributionPort)"]
        }
        if hidden { erlArgs.append("-hidden") }
        if let netTickTime { erlArgs += ["-kernel", "net_ticktime", "\(netTickTime)"] }
        erlArgs += arguments
        let executable: String
        let args: [String]
        if elixir {
            guard let path = ErlangInterop.executable(named: "elixir") else { throw InteropError("elixir is not installed") }
            executable = path
            args = ["--name", name, "--cookie", cookie, "--erl", erlArgs.joined(separator: " "), "-e", Self.elixirCommandLoop]
        } else {
            executable = erl
            args = ["-noshell", "-name", name, "-setcookie", cookie] + erlArgs + ["-eval", Self.commandLoop]
        }

        let (process, input, output) = try ErlangInterop.launch(executable, args, epmdPort: epmdPort)
        self.process = process
        self.input = input
        self.output = LineCollector(output)
        do {
            let answer = try await eval("node()", timeout: .seconds(60))
            let expected = alive == "undefined" ? "nonode@nohost" : "'\(name)'"
            guard answer == expected else { throw InteropError("\(name) started as \(answer)") }
        } catch {
            stop()
            throw InteropError("erl \(name) did not start: \(error)\n\(log)")
        }
    }

    /// The operating system's process id of the node.
    public var pid: Int32 { process.processIdentifier }

    /// Whether the node's process still runs.
    public var isRunning: Bool { process.isRunning }

    /// Everything the node printed that was not a command result (logger reports, for instance).
    public var log: String { output.otherLines.joined(separator: "\n") }

    /// Evaluates one Erlang expression (without the final dot) and returns its value printed with
    /// `~w`; an exception comes back as an ``InteropError``.
    public func eval(_ expression: String, timeout: Duration = .seconds(30)) async throws -> String {
        let line = expression.replacingOccurrences(of: "\n", with: " ") + ".\n"
        try input.write(contentsOf: Data(line.utf8))
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let result = output.takeResult() {
                if result.hasPrefix("{ok,") { return String(result.dropFirst(4).dropLast()) }
                throw InteropError("\(name) raised \(result) for: \(expression)")
            }
            guard process.isRunning else { throw InteropError("\(name) exited while evaluating: \(expression)\n\(log)") }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw InteropError("\(name) did not answer within \(timeout): \(expression)")
    }

    /// Polls `expression` until it evaluates to `expected` or `timeout` passes; returns the last value.
    @discardableResult
    public func waitFor(_ expression: String, toBe expected: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await eval(expression)
            if last == expected { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw InteropError("\(expression) on \(name) is still \(last), not \(expected), after \(timeout)")
    }

    /// Stops the process with SIGSTOP (its sockets stay open but it answers nothing).
    public func suspend() { kill(process.processIdentifier, SIGSTOP) }

    /// Continues a suspended process.
    public func resume() { kill(process.processIdentifier, SIGCONT) }

    /// Kills exactly this node's process and waits for it; safe to call more than once.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    /// Reads lines from standard input, evaluates each and prints `SWERL-RESULT {ok,Value}` or
    /// `SWERL-RESULT {error,{Class,Reason}}`.
    private static let commandLoop = """
        register(swerl_test, self()), \
        Loop = fun Loop() -> \
            case io:get_line("") of \
                eof -> halt(0); \
                Line -> \
                    R = try \
                            {ok, Tokens, _} = erl_scan:string(Line), \
                            {ok, Exprs} = erl_parse:parse_exprs(Tokens), \
                            {value, V, _} = erl_eval:exprs(Exprs, erl_eval:new_bindings()), \
                            {ok, V} \
                        catch C:E -> {error, {C, E}} end, \
                    io:format("\(marker)~w~n", [R]), \
                    Loop() \
            end \
        end, \
        Loop().
        """

    /// The same loop in Elixir, for nodes started with `elixir -e`.
    private static let elixirCommandLoop = """
        Process.register(self(), :swerl_test)
        loop = fn loop ->
          case IO.gets("") do
            line when is_binary(line) ->
              r = try do
                {:ok, tokens, _} = :erl_scan.string(String.to_charlist(line))
                {:ok, exprs} = :erl_parse.parse_exprs(tokens)
                {:value, v, _} = :erl_eval.exprs(exprs, :erl_eval.new_bindings())
                {:ok, v}
              catch
                c, e -> {:error, {c, e}}
              end
              :io.format('\(marker)~w~n', [r])
              loop.(loop)
            _ -> System.halt(0)
          end
        end
        loop.(loop)
        """

    /// Collects the output lines of the node on a thread of its own.
    final class LineCollector: @unchecked Sendable {
        // @unchecked: every field is read and written under `lock`.
        private let lock = NSLock()
        private var results: [String] = []
        private var others: [String] = []
        private var partial = Data()

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                while true {
                    let data = handle.availableData
                    if data.isEmpty { return }
                    append(data)
                }
            }
        }

        private func append(_ data: Data) {
            lock.lock()
            defer { lock.unlock() }
            partial.append(data)
            while let newline = partial.firstIndex(of: 0x0A) {
                let line = String(decoding: partial[partial.startIndex..<newline], as: UTF8.self)
                partial.removeSubrange(partial.startIndex...newline)
                if line.hasPrefix(ErlangNodeProcess.marker) {
                    results.append(String(line.dropFirst(ErlangNodeProcess.marker.count)))
                } else {
                    others.append(line)
                }
            }
        }

        func takeResult() -> String? {
            lock.lock()
            defer { lock.unlock() }
            return results.isEmpty ? nil : results.removeFirst()
        }

        var otherLines: [String] {
            lock.lock()
            defer { lock.unlock() }
            return others
        }
    }
}
