import ErlangTestSupport
import Foundation
import Testing

extension GlobalInteropTests {
    /// `swerl node --global NAME` registers its echo process under NAME: erl finds it with
    /// `global:whereis_name/1` and `global:send/2` gets the echo back.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swerlNodeRegistersAGlobalName() async throws {
        try await GlobalFixture.run { fixture in
            let erl = try await fixture.startErl()
            let me = DistributionTestNames.unique("swerl_node") + "@127.0.0.1"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try swerlExecutable())
            process.arguments = ["node", "--name", me, "--setcookie", fixture.cookie, "--connect", erl.name, "--global", "swerl_echo"]
            process.environment = ProcessInfo.processInfo.environment.merging(["ERL_EPMD_PORT": "\(fixture.epmd.port)"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
            }
            try await erl.waitFor("case global:whereis_name(swerl_echo) of P when is_pid(P) -> node(P); U -> U end", toBe: "'\(me)'", timeout: .seconds(30))
            #expect(try await erl.eval("global:send(swerl_echo, {self(), ping}), receive {_, R} -> R after 10000 -> timeout end") == "ping")
            kill(process.processIdentifier, SIGKILL)
            try await erl.waitFor("global:whereis_name(swerl_echo)", toBe: "undefined")
            try fixture.assertCleanLogs(warnings: true)
        }
    }
}

/// The `swerl` executable built beside the tests (or SWERL_BIN).
func swerlExecutable() throws -> String {
    try ErlangInterop.swerlExecutable()
}
