import ErlangDistribution
import ErlangTestSupport
import Foundation
import NIOConcurrencyHelpers
import Testing

/// `swerl node` and `swerl pg` run as a user runs them, against real BEAM nodes.
@Suite struct SwerlCommandInteropTests {
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swerlNodeJoinsEchoesReportsAndIsDroppedWhenKilled() async throws {
        try await PGFixture.run { fixture in
            let a = try await fixture.startBEAM("iex_a", elixir: true)
            let b = try await fixture.startBEAM("erl_b")
            let me = DistributionTestNames.unique("swerl_node") + "@127.0.0.1"
            let swerl = try SwerlProcess(
                ["node", "--name", me, "--setcookie", fixture.cookie, "--connect", a.name, "--connect", b.name,
                 "--join", "process_group", "--join", "{shard,1}", "--json"],
                epmdPort: fixture.epmd.port)
            defer { swerl.kill() }
            try await swerl.waitForLine { $0.contains("\"event\":\"started\"") }
            for beam in [a, b] {
                try await beam.waitFor(count("process_group", on: me), toBe: "1")
                try await beam.waitFor(count("{shard,1}", on: me), toBe: "1")
            }
            let reply = try await b.eval("""
                [P] = pg:get_members({shard, 1}), P ! {self(), ping}, receive {P, R} -> R after 10000 -> timeout end
                """)
            #expect(reply == "ping")
            // A visible `swerl node` runs `global`, so `global:sync()` on the BEAM nodes returns.
            for beam in [a, b] {
                let sync = "S = self(), spawn(fun() -> S ! {synced, global:sync()} end), receive {synced, R} -> R after 30000 -> timeout end"
                #expect(try await beam.eval(sync) == "ok")
            }
            try await a.spawnMember("member_a", joining: "process_group")
            try await swerl.waitForLine { $0.contains("\"event\":\"join\"") && $0.contains("\"node\":\"\(a.name)\"") }
            _ = try await a.eval("member_a ! stop")
            try await swerl.waitForLine { $0.contains("\"event\":\"leave\"") && $0.contains("\"node\":\"\(a.name)\"") }
            #expect(swerl.lines.contains { $0.contains("\"event\":\"nodeup\"") && $0.contains(b.name) })

            swerl.kill()
            for beam in [a, b] {
                try await beam.waitFor(count("process_group", on: me), toBe: "0", timeout: .seconds(60))
                #expect(try await beam.eval("pg:which_groups()") == "[]")
            }
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swerlPgListsAThreeNodeBEAMClusterAndChangesNothing() async throws {
        try await PGFixture.run { fixture in
            let a = try await fixture.startBEAM("erl_a")
            let b = try await fixture.startBEAM("erl_b")
            let c = try await fixture.startBEAM("iex_c", elixir: true)
            #expect(try await a.eval("{net_kernel:connect_node('\(b.name)'), net_kernel:connect_node('\(c.name)')}") == "{true,true}")
            try await a.spawnMember("ma", joining: "g1")
            _ = try await a.eval("pg:join({shard, 1}, whereis(ma))")
            try await b.spawnMember("mb", joining: "g1")
            try await c.spawnMember("mc", joining: "g2")
            _ = try await c.eval("pg:join(g2, whereis(mc))")
            let expected = "[{g1,2},{g2,2},{{shard,1},1}]"
            let view = "lists:sort([{G, length(pg:get_members(G))} || G <- pg:which_groups()])"
            for beam in [a, b, c] { try await beam.waitFor(view, toBe: expected) }
            let membersBefore = try await a.eval("lists:sort([{G, lists:sort(pg:get_members(G))} || G <- pg:which_groups()])")

            let result = try await SwerlProcess.run(
                ["pg", a.name, "--setcookie", fixture.cookie, "--json"], epmdPort: fixture.epmd.port)
            #expect(result.status == 0)
            let groups = try result.lines.map { line -> (String, [String]) in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                let members = (object?["members"] as? [[String: String]] ?? []).compactMap { $0["node"] }
                return (object?["group"] as? String ?? "", members)
            }
            #expect(groups.map(\.0) == ["g1", "g2", "{shard, 1}"])
            #expect(groups.first?.1.sorted() == [a.name, b.name].sorted())
            #expect(groups.dropFirst().first?.1 == [c.name, c.name])
            #expect(groups.last?.1 == [a.name])

            let text = try await SwerlProcess.run(["pg", b.name, "--setcookie", fixture.cookie], epmdPort: fixture.epmd.port)
            #expect(text.lines.first == "scope pg: 3 groups")
            #expect(text.lines.contains("g2"))
            for beam in [a, b, c] { try await beam.waitFor(view, toBe: expected) }
            #expect(try await a.eval("lists:sort([{G, lists:sort(pg:get_members(G))} || G <- pg:which_groups()])") == membersBefore)
        }
    }
}

/// A `swerl` process started by a test: its standard output by lines; ``kill()`` stops exactly it.
final class SwerlProcess: @unchecked Sendable {
    // @unchecked: `process` is set once in init; the collected output is guarded by its lock.
    private let process: Process
    private let output = NIOLockedValueBox(Data())

    init(_ arguments: [String], epmdPort: Int) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.executable())
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["ERL_EPMD_PORT": "\(epmdPort)"]) { $1 }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        stdout.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            output.withLockedValue { $0.append(data) }
        }
        try process.run()
    }

    var lines: [String] {
        output.withLockedValue { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map(String.init)
    }

    func waitForLine(timeout: Duration = .seconds(30), _ matches: (String) -> Bool) async throws {
        try await waitUntil(timeout: timeout, "a line from swerl (so far: \(lines))") { lines.contains(where: matches) }
    }

    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Runs `swerl` to its end (killing it after `timeout`); its status and output lines.
    static func run(_ arguments: [String], epmdPort: Int, timeout: Duration = .seconds(60)) async throws -> (status: Int32, lines: [String]) {
        let swerl = try SwerlProcess(arguments, epmdPort: epmdPort)
        defer { swerl.kill() }
        try await waitUntil(timeout: timeout, "swerl \(arguments.first ?? "") to finish") { !swerl.process.isRunning }
        swerl.process.waitUntilExit()
        try await Task.sleep(for: .milliseconds(50))
        return (swerl.process.terminationStatus, swerl.lines)
    }

    /// The `swerl` executable built beside the tests (or SWERL_BIN).
    static func executable() throws -> String {
        try ErlangInterop.swerlExecutable()
    }
}
