import ErlangEPMD
import ErlangRuntime
import ErlangTestSupport
import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing

/// Swerl's EPMD client and daemon against real OTP 25: `erl` nodes, `epmd`, `epmd -names`.
/// Every test starts its own daemons on free ports, uses unique node names and cookies, and
/// stops exactly the processes it started.
@Suite(.serialized) struct EPMDInteropTests {
    static let logger: Logger = {
        var logger = Logger(label: "swerl.epmd.interop")
        logger.logLevel = .warning
        return logger
    }()

    static func startSwerlDaemon(relaxed: Bool = false) async throws -> EPMDServer {
        try await EPMDServer.start(
            configuration: .init(port: 0, addresses: ["127.0.0.1"], relaxedCommandCheck: relaxed),
            logger: logger)
    }

    static func client(port: Int) -> EPMDClient {
        EPMDClient(configuration: .init(epmdPort: port, connectTimeout: .seconds(5), replyTimeout: .seconds(5)), logger: logger)
    }

    static func registeredNames(_ client: EPMDClient) async throws -> [String] {
        try await client.names(host: "127.0.0.1").nodes.map(\.name)
    }

    // MARK: Real nodes on the Swerl daemon

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlNodesRegisterAndConnectThroughTheSwerlDaemon() async throws {
        let daemon = try await Self.startSwerlDaemon()
        defer { Task { await daemon.shutdown() } }
        let client = Self.client(port: daemon.port)
        let cookie = Interop.uniqueName("cookie")
        let nameA = Interop.uniqueName("swerl_a")
        let nameB = Interop.uniqueName("swerl_b")

        let nodeA = try Interop.startErlNode(nameA, epmdPort: daemon.port, cookie: cookie)
        defer { nodeA.killNow() }
        try await eventually("\(nameA) registered with the Swerl daemon") {
            try await Self.registeredNames(client).contains(nameA)
        }
        let record = try await client.portPlease(name: nameA, host: "127.0.0.1")
        #expect(record.nodeType == .normal && record.highestVersion == 6 && record.lowestVersion == 5)

        // A second real node finds the first through the Swerl daemon and connects.
        let connect = """
            [_, Host] = string:split(atom_to_list(node()), "@"), \
            io:format("~p~n", [net_kernel:connect_node(list_to_atom("\(nameA)@" ++ Host))]), \
            io:format("~p~n", [lists:sort([N || {N, _} <- element(2, net_adm:names())])]), halt().
            """
        let result = try await ChildProcess.run(
            try ErlangInterop.requireErl(),
            ["-sname", nameB, "-setcookie", cookie, "-start_epmd", "false", "-noshell", "-eval", connect],
            environment: ["ERL_EPMD_PORT": "\(daemon.port)"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == "true\n\(String(describing: [nameA, nameB].sorted()).replacingOccurrences(of: ", ", with: ","))\n")

        // Real `epmd -names` lists what the Swerl daemon holds, and `swerl names` prints the same.
        try await eventually("\(nameB) gone after it halted") {
            try await Self.registeredNames(client) == [nameA]
        }
        let epmdNames = try await Interop.epmdNames(port: daemon.port)
        #expect(epmdNames.status == 0)
        #expect(epmdNames.output == "epmd: up and running on port \(daemon.port) with data:\nname \(nameA) at port \(record.port)\n")
        let swerlNames = try await Interop.swerlNames(port: daemon.port)
        #expect(swerlNames.status == 0)
        #expect(swerlNames.output == epmdNames.output)

        // When the node dies, its name goes.
        await nodeA.kill()
        try await eventually("\(nameA) unregistered after its node died") {
            try await Self.registeredNames(client).isEmpty
        }
        #expect(try await Interop.epmdNames(port: daemon.port).output == "epmd: up and running on port \(daemon.port) with data:\n")
    }

    // MARK: The Swerl client on real epmd

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swerlClientRegistersWithRealEPMD() async throws {
        _ = try ErlangInterop.requireErl()
        let port = try await Interop.freePort()
        let epmd = try await Interop.startRealEPMD(port: port)
        defer { epmd.killNow() }
        let client = Self.client(port: port)
        let name = Interop.uniqueName("swift")

        let registration = try await client.register(name: name, port: 4567)
        #expect(registration.format == .extended)
        #expect(registration.creation > 3)
        let epmdNames = try await Interop.epmdNames(port: port)
        #expect(epmdNames.output == "epmd: up and running on port \(port) with data:\nname \(name) at port 4567\n")
        #expect(try await Interop.swerlNames(port: port).output == epmdNames.output)

        // The record real epmd hands out is what the client registered, OTP's defaults.
        #expect(try await client.portPlease(name: name, host: "127.0.0.1") == EPMDNodeRecord(name: name, port: 4567))
        #expect(try await client.portPlease(node: "\(name)@127.0.0.1").port == 4567)

        // A second registration of the name is refused; an unknown name is an unknown node.
        await #expect(throws: EPMDError.self) { _ = try await client.register(name: name, port: 4568) }
        do {
            _ = try await client.register(name: name, port: 4568)
        } catch let error as EPMDError {
            #expect(error.code == .nameInUse)
        }
        do {
            _ = try await client.portPlease(name: Interop.uniqueName("nobody"), host: "127.0.0.1")
            Issue.record("expected unknownNode")
        } catch let error as EPMDError {
            #expect(error.code == .unknownNode)
        }

        // A legacy (version 5) registration gets ALIVE2_RESP and a 2-bit creation.
        let legacy = try await client.register(name: Interop.uniqueName("legacy"), port: 4569, highestVersion: 5)
        #expect(legacy.format == .legacy && (1...3).contains(legacy.creation))

        await registration.unregister()
        await legacy.unregister()
        try await eventually("\(name) unregistered from real epmd") {
            try await Interop.epmdNames(port: port).output == "epmd: up and running on port \(port) with data:\n"
        }
        // Re-registering the name moves its creation on by one, as with OTP nodes.
        let again = try await client.register(name: name, port: 4567)
        #expect(again.creation == registration.creation &+ 1)
        await again.unregister()
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func droppingTheRegistrationUnregistersFromBothDaemons() async throws {
        let port = try await Interop.freePort()
        let epmd = try await Interop.startRealEPMD(port: port)
        defer { epmd.killNow() }
        let daemon = try await Self.startSwerlDaemon()
        defer { Task { await daemon.shutdown() } }
        let name = Interop.uniqueName("dropped")
        for client in [Self.client(port: port), Self.client(port: daemon.port)] {
            do {
                let registration = try await client.register(name: name, port: 4570)
                #expect(try await Self.registeredNames(client) == [name])
                _ = registration
            }
            try await eventually("\(name) unregistered when its registration went away") {
                try await Self.registeredNames(client).isEmpty
            }
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func namesDisappearWhenTheRegisteringNodeDies() async throws {
        let port = try await Interop.freePort()
        let epmd = try await Interop.startRealEPMD(port: port)
        defer { epmd.killNow() }
        let daemon = try await Self.startSwerlDaemon()
        defer { Task { await daemon.shutdown() } }
        let cookie = Interop.uniqueName("cookie")
        var nodes: [(ChildProcess, EPMDClient, String)] = []
        defer { for (node, _, _) in nodes { node.killNow() } }
        for epmdPort in [port, daemon.port] {
            let name = Interop.uniqueName("dies")
            nodes.append((try Interop.startErlNode(name, epmdPort: epmdPort, cookie: cookie), Self.client(port: epmdPort), name))
        }
        for (_, client, name) in nodes {
            try await eventually("\(name) registered") { try await Self.registeredNames(client) == [name] }
        }
        for (node, _, _) in nodes { await node.kill() }
        for (_, client, name) in nodes {
            try await eventually("\(name) unregistered after SIGKILL") { try await Self.registeredNames(client).isEmpty }
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func realNodeFindsASwiftRegistrationOnRealEPMD() async throws {
        let port = try await Interop.freePort()
        let epmd = try await Interop.startRealEPMD(port: port)
        defer { epmd.killNow() }
        let name = Interop.uniqueName("swift")
        let registration = try await Self.client(port: port).register(name: name, port: 4571)
        defer { Task { await registration.unregister() } }
        let lookup = """
            [_, Host] = string:split(atom_to_list(node()), "@"), \
            io:format("~p~n", [erl_epmd:port_please("\(name)", "127.0.0.1")]), halt().
            """
        let result = try await ChildProcess.run(
            try ErlangInterop.requireErl(),
            ["-sname", Interop.uniqueName("asker"), "-setcookie", Interop.uniqueName("cookie"), "-start_epmd", "false", "-noshell", "-eval", lookup],
            environment: ["ERL_EPMD_PORT": "\(port)"])
        #expect(result.output == "{port,4571,6}\n", "\(result.error)")
    }

    // MARK: The commands

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swerlEPMDCommandServesRealNodesUntilSIGTERM() async throws {
        let port = try await Interop.freePort()
        let daemon = try ChildProcess(try Interop.swerl(), ["epmd", "--port", "\(port)", "--address", "127.0.0.1"], name: "swerl-epmd")
        defer { daemon.killNow() }
        let client = Self.client(port: port)
        try await eventually("swerl epmd answering on \(port)", timeout: .seconds(15)) { _ = try await client.names(host: "127.0.0.1"); return true }

        let name = Interop.uniqueName("cmd")
        let node = try Interop.startErlNode(name, epmdPort: port, cookie: Interop.uniqueName("cookie"))
        defer { node.killNow() }
        try await eventually("\(name) registered with swerl epmd") { try await Self.registeredNames(client) == [name] }
        let epmdNames = try await Interop.epmdNames(port: port)
        #expect(epmdNames.output.hasPrefix("epmd: up and running on port \(port) with data:\nname \(name) at port "))
        #expect(try await Interop.swerlNames(port: port).output == epmdNames.output)
        let viaEnvironment = try await ChildProcess.run(try Interop.swerl(), ["names"], environment: ["ERL_EPMD_PORT": "\(port)"])
        #expect(viaEnvironment.output == epmdNames.output)
        await node.kill()
        try await eventually("\(name) unregistered") { try await Self.registeredNames(client).isEmpty }

        kill(daemon.pid, SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(10)))
        #expect(daemon.terminationStatus == 0)
        #expect(daemon.errorOutput.contains("node registered"))
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swerlNamesFailsLikeEPMDWhenNoDaemonRuns() async throws {
        let port = try await Interop.freePort()
        let epmdNames = try await ChildProcess.run(try Interop.epmd(), ["-port", "\(port)", "-names"])
        let swerlNames = try await ChildProcess.run(try Interop.swerl(), ["names", "--port", "\(port)"])
        #expect(epmdNames.status == 1 && swerlNames.status == 1)
        #expect(swerlNames.output == epmdNames.output)
        #expect(swerlNames.error == epmdNames.error)
        #expect(swerlNames.error == "epmd: Cannot connect to local epmd\n")
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func embeddedDaemonStartsOnlyWhenNoneAnswers() async throws {
        let port = try await Interop.freePort()
        let embedded = try await EPMDServer.startIfNoneAnswers(configuration: .init(port: port, addresses: ["127.0.0.1"]), logger: Self.logger)
        #expect(embedded?.port == port)
        // With one answering (Swerl's or epmd's), no second daemon starts.
        #expect(try await EPMDServer.startIfNoneAnswers(configuration: .init(port: port, addresses: ["127.0.0.1"]), logger: Self.logger) == nil)
        await embedded?.shutdown()

        let epmd = try await Interop.startRealEPMD(port: port)
        defer { epmd.killNow() }
        #expect(try await EPMDServer.startIfNoneAnswers(configuration: .init(port: port, addresses: ["127.0.0.1"]), logger: Self.logger) == nil)
    }

    // No Erlang needed: a port nobody listens on, and a listener that never answers.
    @Test func clientErrorsAreClearAndNothingHangs() async throws {
        let client = Self.client(port: try await Interop.freePort())
        do {
            _ = try await client.names(host: "127.0.0.1")
            Issue.record("expected epmdNotRunning")
        } catch let error as EPMDError {
            #expect(error.code == .epmdNotRunning)
        }

        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        let impatient = EPMDClient(configuration: .init(epmdPort: silent.localAddress!.port!, replyTimeout: .milliseconds(300)))
        let start = ContinuousClock.now
        for request in [{ _ = try await impatient.names(host: "127.0.0.1") }, { _ = try await impatient.register(name: "x", port: 1) }] as [@Sendable () async throws -> Void] {
            do {
                try await request()
                Issue.record("expected a timeout")
            } catch let error as EPMDError {
                #expect(error.code == .timeout)
            }
        }
        #expect(ContinuousClock.now - start < .seconds(5))

        // -erl_epmd_port: lookups need no daemon at all.
        let fixed = EPMDClient(configuration: .init(epmdPort: try await Interop.freePort(), fixedNodePort: 4999))
        #expect(try await fixed.portPlease(node: "anything@127.0.0.1").port == 4999)
        await #expect(throws: EPMDError.self) { _ = try await fixed.portPlease(name: "bad\u{0}name", host: "127.0.0.1") }
    }
}
