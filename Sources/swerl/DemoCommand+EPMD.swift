import ErlangRuntime
import Foundation

extension DemoCommand {
    /// Starts Swerl's embedded EPMD on a free private port (never the machine's 4369), registers a
    /// Swift node name with it, and, when `erl` is installed, has a real node register there too.
    static func showEPMD(erl: String?) async throws {
        let server = try await EPMDServer.start(configuration: .init(port: 0, addresses: ["127.0.0.1"]))
        let client = EPMDClient(configuration: .init(epmdPort: server.port))
        let registration = try await client.register(name: "swerl_demo", port: 50_000)
        print("Swerl's own EPMD listens on 127.0.0.1:\(server.port); the Swift name swerl_demo registered with creation \(registration.creation).")
        var erlNode: Process?
        defer {
            if let erlNode, erlNode.isRunning { kill(erlNode.processIdentifier, SIGKILL) }
        }
        if let erl {
            let name = "demo_erl_\(ProcessInfo.processInfo.processIdentifier)"
            erlNode = try startNode(erl: erl, name: name, epmdPort: server.port)
            try await waitUntilRegistered(name, client: client)
        }
        let names = try await client.names(host: "127.0.0.1")
        print("What `swerl names` shows for that daemon:")
        print("  epmd: up and running on port \(names.epmdPort) with data:")
        for node in names.nodes { print("  name \(node.name) at port \(node.port)") }
        await registration.unregister()
        await server.shutdown()
    }

    /// A real node that registers with the given EPMD and idles; stopped by PID by the caller.
    private static func startNode(erl: String, name: String, epmdPort: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: erl)
        process.arguments = ["-sname", name, "-setcookie", "swerl_demo_\(UUID().uuidString.prefix(8))", "-noshell", "-start_epmd", "false", "-eval", "timer:sleep(60000), halt()."]
        var environment = ProcessInfo.processInfo.environment
        environment["ERL_EPMD_PORT"] = String(epmdPort)
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private static func waitUntilRegistered(_ name: String, client: EPMDClient) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await client.names(host: "127.0.0.1").nodes.contains(where: { $0.name == name }) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DemoError("the erl node \(name) did not register with the demo's EPMD within 30 s")
    }
}

/// A step of the demo that did not work out.
struct DemoError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
