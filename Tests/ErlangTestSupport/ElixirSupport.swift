import Foundation

extension ErlangInterop {
    /// The `ebin` directories of the installed Elixir (`elixir`, `logger`, ...), found from the
    /// `elixir` executable on the PATH; pass them to `erl` with `-pa` to run Elixir code in an
    /// `erl` node (``ErlangNodeProcess/startElixir()``).
    public static func elixirCodePaths() throws -> [String] {
        guard let elixir = executable(named: "elixir") else { throw InteropError("elixir is not installed") }
        let binary = URL(fileURLWithPath: elixir).resolvingSymlinksInPath()
        let lib = binary.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lib")
        let applications = try FileManager.default.contentsOfDirectory(atPath: lib.path).sorted()
        let paths = applications.map { lib.appendingPathComponent($0).appendingPathComponent("ebin").path }
            .filter { FileManager.default.fileExists(atPath: $0) }
        guard !paths.isEmpty else { throw InteropError("no Elixir ebin directories under \(lib.path)") }
        return paths
    }

    /// `erl` arguments that put Elixir's applications in the code path.
    public static func elixirArguments() throws -> [String] {
        try elixirCodePaths().flatMap { ["-pa", $0] }
    }
}

extension ErlangNodeProcess {
    /// Starts the `elixir` application in this node (which must have been started with
    /// ``ErlangInterop/elixirArguments()``), so `Code.eval_string/1` and Elixir's standard library work.
    public func startElixir() async throws {
        // Elixir turns standard input to binary mode; the command loop reads lists.
        let started = try await eval(
            "begin {ok, _} = application:ensure_all_started(elixir), io:setopts([{binary, false}]) end", timeout: .seconds(60))
        guard started == "ok" else { throw InteropError("elixir did not start in \(name): \(started)") }
    }

    /// Evaluates Elixir source (no double quotes or backslashes in it) with `Code.eval_string/1`
    /// and returns its value printed with `~w`.
    @discardableResult
    public func evalElixir(_ source: String, timeout: Duration = .seconds(60)) async throws -> String {
        // eval/2 sends one line: the newlines Elixir needs travel as Erlang's `\n` escape.
        let line = source.replacingOccurrences(of: "\n", with: "\\n")
        return try await eval("element(1, 'Elixir.Code':eval_string(<<\"\(line)\"/utf8>>))", timeout: timeout)
    }
}
