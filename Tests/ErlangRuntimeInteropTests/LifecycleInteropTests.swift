import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Logging
import ServiceLifecycle
import Testing

extension RuntimeInteropTests {
    /// Run in a `ServiceGroup`, the node serves until graceful shutdown, then leaves: erl sees
    /// nodedown and EPMD no longer lists it.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func gracefulShutdownOfTheServiceGroupStopsTheNode() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let group = ServiceGroup(configuration: .init(services: [swift], logger: Logger(label: "swerl.runtime-interop")))
            let running = Task { try await group.run() }
            #expect(try await erl.eval("net_adm:ping('\(swift.name)')") == "pong")
            _ = try await erl.eval("erlang:monitor_node('\(swift.name)', true)")
            await group.triggerGracefulShutdown()
            try await running.value
            #expect(swift.isShutDown)
            #expect(try await erl.eval("receive {nodedown, N} -> N after 30000 -> timeout end") == "'\(swift.name)'")
            try await erl.waitFor(
                "lists:keymember(\"\(swift.name.alive)\", 1, element(2, net_adm:names()))", toBe: "false", timeout: .seconds(30))
        }
    }

    /// A message erl sends to a pid of an older creation of the Swift node is dropped, even
    /// when a live process has the same id and serial (distribution.md 4.6).
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func messagesToAnOlderCreationAreDropped() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            var stale = process.pid
            stale.creation = swift.creation &- 1
            try await process.send(.tuple([.pid(stale), .pid(process.pid)]), to: "swerl_test", at: try NodeName(erl.name))
            let reply = "receive {Stale, Live} -> Stale ! stale, Live ! live, ok after 10000 -> timeout end"
            #expect(try await erl.eval(reply) == "ok")
            #expect(await process.receive(timeout: .seconds(30)) == .atom("live"))
            #expect(await process.receive(timeout: .milliseconds(500)) == nil)
        }
    }

    /// Services in the configuration run before the first connection is served: a process they
    /// register is there for the first message a peer sends.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func startServicesRunBeforeConnectionsAreServed() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift(services: [{ node in
                let early = try node.spawnProcess()
                try early.register(as: "early")
                Task {
                    for await message in early.mailbox {
                        if case .pid(let from) = message { try? await early.send(.atom("here"), to: from) }
                    }
                }
            }])
            #expect(swift.whereis("early") != nil)
            let reply = "{early, '\(swift.name)'} ! self(), receive here -> ok after 10000 -> timeout end"
            #expect(try await erl.eval(reply) == "ok")
        }
    }

    /// A service that throws stops the start with `startFailed`, and the node leaves EPMD.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aFailingStartServiceStopsTheStart() async throws {
        try await RuntimeFixture.run { fixture in
            struct Refused: Error {}
            await #expect(throws: ErlangNodeError.self) {
                _ = try await fixture.startSwift(services: [{ _ in throw Refused() }])
            }
        }
    }
}
