import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Foundation
import Logging
import NIOConcurrencyHelpers

/// What one runtime interop test starts: a private EPMD, `erl` nodes and Swift nodes. Tear down
/// stops exactly these, whatever the test did.
final class RuntimeFixture: Sendable {
    let resources: InteropResources
    var epmd: DistributionTestEPMD { resources.epmd }
    var cookie: String { resources.cookie }

    private init(_ resources: InteropResources) {
        self.resources = resources
    }

    /// Runs `body` with a fresh fixture and always tears it down.
    static func run<T: Sendable>(_ body: (RuntimeFixture) async throws -> T) async throws -> T {
        try await InteropResources.run { try await body(RuntimeFixture($0)) }
    }

    /// An `erl` node registered with this fixture's EPMD.
    func startErl(
        _ prefix: String = "erl", alive: String? = nil, cookie: String? = nil, hidden: Bool = false,
        netTickTime: Int? = nil, arguments: [String] = []
    ) async throws -> ErlangNodeProcess {
        try await resources.startBEAM(
            alive: alive ?? DistributionTestNames.unique(prefix), cookie: cookie, hidden: hidden,
            netTickTime: netTickTime, arguments: arguments)
    }

    /// A Swift node `<prefix>_...@127.0.0.1` registered with this fixture's EPMD.
    func startSwift(
        _ prefix: String = "swift", cookie: String? = nil, hidden: Bool = false, netTickTime: Duration = .seconds(60),
        services: [ErlangNode.Configuration.StartService] = []
    ) async throws -> ErlangNode {
        var logger = Logger(label: "swerl.runtime-interop")
        logger.logLevel = .info
        let node = try await ErlangNode.start(.init(
            name: .long(DistributionTestNames.unique(prefix) + "@127.0.0.1"), cookie: .explicit(cookie ?? self.cookie),
            epmdPort: epmd.port, listenHost: "127.0.0.1", netTickTime: netTickTime, hidden: hidden, logger: logger,
            services: services))
        resources.onTearDown { await node.shutdown() }
        return node
    }
}

/// Records a node's events from now on, for tests that poll for them.
final class NodeEventRecorder: Sendable {
    private let events = NIOLockedValueBox<[ErlangNode.Event]>([])
    private let task: Task<Void, Never>

    init(_ node: ErlangNode) {
        let stream = node.events()
        let events = self.events
        task = Task { for await event in stream { events.withLockedValue { $0.append(event) } } }
    }

    deinit { task.cancel() }

    /// The reason of the first node-down event for `node`, waiting up to `timeout` for it.
    func nodeDown(_ node: NodeName, timeout: Duration = .seconds(30)) async throws -> NodeDownReason {
        try await poll(timeout: timeout, "nodedown of \(node)") {
            events.withLockedValue { events in
                events.lazy.compactMap { event -> NodeDownReason? in
                    if case .nodeDown(let down, let reason) = event, down == node { return reason }
                    return nil
                }.first
            }
        }
    }
}

/// Runs a program with extra environment variables; returns its exit status and standard output.
/// Stops exactly the process it started when it outlives `timeout`.
func runProgram(_ executable: String, _ arguments: [String], environment extra: [String: String], timeout: Duration = .seconds(60)) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
    let stdout = Pipe()
    process.standardOutput = stdout
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    let output = NIOLockedValueBox(Data())
    stdout.fileHandleForReading.readabilityHandler = { handle in
        let data = handle.availableData
        output.withLockedValue { $0.append(data) }
    }
    let exited = NIOLockedValueBox(false)
    process.terminationHandler = { _ in exited.withLockedValue { $0 = true } }
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while !exited.withLockedValue({ $0 }) {
        if ContinuousClock.now > deadline {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw InteropError("\(executable) ran longer than \(timeout)")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    process.waitUntilExit()
    stdout.fileHandleForReading.readabilityHandler = nil
    let rest = try stdout.fileHandleForReading.readToEnd() ?? Data()
    let text = output.withLockedValue { String(decoding: $0 + rest, as: UTF8.self) }
    return (process.terminationStatus, text)
}

/// The `swerl` executable built beside the tests (or SWERL_BIN).
func swerlExecutable() throws -> String {
    try ErlangInterop.swerlExecutable()
}

