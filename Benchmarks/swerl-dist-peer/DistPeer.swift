#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ErlangDistribution
import Synchronization
import ErlangRuntime
import ErlangTerm
import Logging
import NIOPosix

/// The Swift peer of the shared distribution benchmark (`bench/dist/dist_bench.erl`, README
/// "Distribution peer contract"): an ``ErlangNode`` named `NAME@<short hostname>`, registered with
/// the EPMD on `ERL_EPMD_PORT`, whose process `bench_peer` serves the driver.
///
/// Usage: `swerl-dist-peer NAME COOKIE`
///
/// By default `bench_peer` answers from a mailbox handler (``Mailbox/handle(_:)``), on the
/// connection's event loop as each message arrives; with `SWERL_PEER_MODE=task` it is a task that
/// iterates its mailbox, the other way a Swift process can be written.
@main
struct DistPeer {
    static func main() async {
        let arguments = CommandLine.arguments
        guard arguments.count == 3 else {
            say("usage: swerl-dist-peer NAME COOKIE")
            exit(2)
        }
        do {
            try await run(alive: arguments[1], cookie: arguments[2])
        } catch {
            say("swerl-dist-peer: \(error)")
            exit(1)
        }
    }

    static func run(alive: String, cookie: String) async throws {
        var logger = Logger(label: "swerl.dist-peer")
        logger.logLevel = .warning
        // One event loop for every connection; the connection readers and the bench_peer process
        // run on it too, so a message reaches the process and its reply the socket on one thread.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let executor = EventLoopExecutor(group.next())
        // Hidden like the ei and JInterface peers: the driver's global and pg then leave it alone.
        var configuration = ErlangNode.Configuration(
            name: .long("\(alive)@\(shortHostName())"), cookie: .explicit(cookie), hidden: true, logger: logger)
        configuration.eventLoopGroup = group
        configuration.startConnectionReader = { body in Task(executorPreference: executor) { await body() } }
        let node = try await ErlangNode.start(configuration)
        let process = try node.spawnProcess()
        try process.register(as: BenchPeer.registeredName)
        say("swerl-dist-peer: \(node.name) listening on \(node.port)")
        if let mode = getenv("SWERL_PEER_MODE"), String(cString: mode) == "task" {
            await Task(executorPreference: executor) { await serve(process) }.value
        } else {
            handle(process)
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
    }

    /// The `bench_peer` process as a mailbox handler: each reply is queued on the connection
    /// before the handler returns (`trySend`), so it reaches the socket in the same turn of the
    /// event loop that read the request.
    static func handle(_ process: ErlangProcess) {
        let peer = Mutex(BenchPeer(pid: process.pid))
        process.mailbox.handle { message in
            guard let (reply, to) = peer.withLock({ $0.handle(message) }) else { return }
            guard process.trySend(reply, to: to) != .ok else { return }
            // No connection or a full window: the waiting send, off the event loop.
            Task {
                do {
                    try await process.send(reply, to: to)
                } catch {
                    say("swerl-dist-peer: cannot reply to \(to): \(error)")
                }
            }
        }
    }

    /// `hostname -s`, as the driver names its peers.
    static func shortHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let full = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(full.prefix { $0 != "." })
    }

    /// The `bench_peer` process's loop (dist_bench.erl, `peer_loop/1`).
    static func serve(_ process: ErlangProcess) async {
        var peer = BenchPeer(pid: process.pid)
        for await message in process.mailbox {
            guard let (reply, to) = peer.handle(message) else { continue }
            do {
                try await process.send(reply, to: to)
            } catch {
                say("swerl-dist-peer: cannot reply to \(to): \(error)")
            }
        }
    }
}

/// Writes a line to standard error (progress for the driver's peer log; never payloads or cookies).
func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
