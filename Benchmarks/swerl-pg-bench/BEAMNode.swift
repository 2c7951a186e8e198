import Foundation

/// An `erl` node the benchmark starts and kills (by its pid): `-kernel start_pg true`, the
/// compiled `pg_bench` module on its path, evaluating `pg_bench:observer()` or `driver()`.
final class BEAMNode: @unchecked Sendable {
    // @unchecked: `process` is set once in init and only read afterwards.
    let name: String
    private let process: Process

    init(erl: String, alive: String, cookie: String, epmdPort: Int, moduleDirectory: String, run: String) throws {
        name = alive + "@127.0.0.1"
        process = Process()
        process.executableURL = URL(fileURLWithPath: erl)
        process.arguments = [
            "-noshell", "-name", name, "-setcookie", cookie, "-kernel", "start_pg", "true", "-start_epmd", "false",
            "-pa", moduleDirectory, "-eval", "pg_bench:\(run)().",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["ERL_EPMD_PORT"] = String(epmdPort)
        process.environment = environment
        process.standardOutput = FileHandle.standardError
        process.standardError = FileHandle.standardError
        try process.run()
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Compiles the benchmark's Erlang module into a fresh temporary directory.
    static func compileModule(erlc: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swerl-pg-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("pg_bench.erl")
        try PGBenchErlang.source.write(to: source, atomically: true, encoding: .utf8)
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: erlc)
        compiler.arguments = ["-o", directory.path, source.path]
        try compiler.run()
        compiler.waitUntilExit()
        guard compiler.terminationStatus == 0 else { throw BenchError("erlc failed on pg_bench.erl") }
        return directory.path
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
