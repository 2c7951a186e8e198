import ErlangTestSupport
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// A process an interop test started: its output goes to temporary files, and the test stops
/// it by its PID (``stop()`` / ``kill()``), never by name; dropping it kills it.
// @unchecked: Foundation's Process is not marked Sendable, but what is used here after `run()`
// (isRunning, processIdentifier, terminationStatus) is safe from any thread.
final class ChildProcess: @unchecked Sendable {
    let name: String
    private let process: Process
    private let outputURL: URL
    private let errorURL: URL

    /// Starts `executable` with `arguments`, the current environment plus `environment`.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], name: String? = nil) throws {
        self.name = name ?? URL(fileURLWithPath: executable).lastPathComponent
        let directory = FileManager.default.temporaryDirectory
        let id = UUID().uuidString.prefix(8)
        outputURL = directory.appendingPathComponent("swerl-\(self.name)-\(id).out")
        errorURL = directory.appendingPathComponent("swerl-\(self.name)-\(id).err")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: outputURL)
        try? FileManager.default.removeItem(at: errorURL)
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var output: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }
    var errorOutput: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }

    /// The exit status, once it has exited.
    var terminationStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// Waits until the process exits; `false` when it outlives `timeout`.
    @discardableResult
    func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Sends SIGKILL and waits for the process to go, blocking (for `defer`).
    func killNow() {
        guard process.isRunning else { return }
        Glibc.kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends SIGKILL and waits for the process to go.
    func kill() async {
        if process.isRunning { Glibc.kill(pid, SIGKILL) }
        await waitForExit(timeout: .seconds(10))
    }

    /// Sends SIGTERM, then SIGKILL if it has not exited within `grace`.
    func stop(grace: Duration = .seconds(5)) async {
        guard process.isRunning else { return }
        Glibc.kill(pid, SIGTERM)
        if await !waitForExit(timeout: grace) { await kill() }
    }

    /// Runs a command to its end (killing it after `timeout`) and returns its status and output.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)
    ) async throws -> (status: Int32, output: String, error: String) {
        let child = try ChildProcess(executable, arguments, environment: environment)
        guard await child.waitForExit(timeout: timeout) else {
            await child.kill()
            throw InteropError("\(executable) \(arguments.joined(separator: " ")) ran longer than \(timeout)")
        }
        return (child.terminationStatus ?? -1, child.output, child.errorOutput)
    }
}

/// Polls `condition` until it holds; fails after `timeout` with `what`.
func eventually(
    _ what: @autoclosure () -> String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        if (try? await condition()) == true { return }
        guard ContinuousClock.now < deadline else { throw InteropError("timed out after \(timeout) waiting for \(what())") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// Paths and names the interop tests need.
enum Interop {
    /// A TCP port free on 127.0.0.1 and ::1 at the time of asking.
    static func freePort() async throws -> Int {
        for _ in 0..<20 {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: 0).get()
            let port = channel.localAddress!.port!
            try await channel.close()
            if let v6 = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "::1", port: port).get() {
                try await v6.close()
                return port
            }
        }
        throw InteropError("no free port")
    }

    /// A node or registration name no other test uses.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Real epmd.
    static func epmd() throws -> String {
        if let path = ErlangInterop.executable(named: "epmd") { return path }
        throw InteropError("epmd is not installed; ERLANG_INTEROP=1 requires it")
    }

    /// The `swerl` executable built beside the tests.
    static func swerl() throws -> String {
        try ErlangInterop.swerlExecutable()
    }

    /// Starts real epmd on `port`, loopback only, and waits until it answers.
    static func startRealEPMD(port: Int, relaxed: Bool = false) async throws -> ChildProcess {
        var arguments = ["-port", "\(port)", "-address", "127.0.0.1"]
        if relaxed { arguments.append("-relaxed_command_check") }
        let daemon = try ChildProcess(try epmd(), arguments, name: "epmd")
        try await eventually("epmd on port \(port)", timeout: .seconds(15)) {
            try await RawConnection.exchange(port: port, bytes: [0, 1, 110]).count >= 4
        }
        return daemon
    }

    /// Starts a real node `-sname name` using the EPMD on `epmdPort`; it never starts an epmd.
    static func startErlNode(_ name: String, epmdPort: Int, cookie: String) throws -> ChildProcess {
        try ChildProcess(
            try ErlangInterop.requireErl(),
            ["-sname", name, "-setcookie", cookie, "-start_epmd", "false", "-noshell", "-noinput"],
            environment: ["ERL_EPMD_PORT": "\(epmdPort)"], name: "erl-\(name)")
    }

    /// `epmd -port P -names`: its status and standard output.
    static func epmdNames(port: Int) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run(try epmd(), ["-port", "\(port)", "-names"], timeout: .seconds(20))
        return (result.status, result.output + result.error)
    }

    /// `swerl names --port P`: its status and standard output.
    static func swerlNames(port: Int) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run(try swerl(), ["names", "--port", "\(port)"], timeout: .seconds(20))
        return (result.status, result.output + result.error)
    }
}

/// A raw TCP conversation with a daemon: bytes out, every byte that comes back, and whether the
/// daemon closed.
final class RawConnection: Sendable {
    private let channel: any Channel
    private let received: NIOLockedValueBox<[UInt8]>

    private init(channel: any Channel, received: NIOLockedValueBox<[UInt8]>) {
        self.channel = channel
        self.received = received
    }

    static func open(port: Int, host: String = "127.0.0.1") async throws -> RawConnection {
        let received = NIOLockedValueBox<[UInt8]>([])
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received))
                }
            }
            .connect(host: host, port: port).get()
        return RawConnection(channel: channel, received: received)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    var bytes: [UInt8] { received.withLockedValue { $0 } }
    var isClosed: Bool { !channel.isActive }

    /// Waits until the daemon closes (or `timeout`), then returns what it sent.
    func readToEOF(timeout: Duration = .seconds(5)) async -> (bytes: [UInt8], closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        while channel.isActive, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return (bytes, !channel.isActive)
    }

    /// Waits until at least `count` bytes arrived (or `timeout`).
    func read(atLeast count: Int, timeout: Duration = .seconds(5)) async -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while bytes.count < count, channel.isActive, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return bytes
    }

    func close() async {
        try? await channel.close()
    }

    /// Sends `bytes` on a new connection and returns everything until the daemon closes.
    static func exchange(port: Int, bytes: [UInt8], timeout: Duration = .seconds(5)) async throws -> [UInt8] {
        let connection = try await open(port: port)
        try await connection.send(bytes)
        let reply = await connection.readToEOF(timeout: timeout)
        await connection.close()
        return reply.bytes
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received: NIOLockedValueBox<[UInt8]>

        init(received: NIOLockedValueBox<[UInt8]>) {
            self.received = received
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLockedValue { $0.append(contentsOf: buffer.readableBytesView) }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case ChannelEvent.inputClosed = event { context.close(promise: nil) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)  // a reset counts as the daemon closing
        }
    }
}
