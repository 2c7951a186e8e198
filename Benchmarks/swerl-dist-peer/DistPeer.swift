#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import Logging
import NIOPosix

/// The Swift peer of the shared distribution benchmark (`bench/dist/dist_bench.erl`, README
/// "Distribution peer contract"): node `NAME@<short hostname>`, registered with the EPMD on
/// `ERL_EPMD_PORT`, serving the `bench_peer` protocol on every connection the driver opens.
///
/// Usage: `swerl-dist-peer NAME COOKIE`
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
        let name = try NodeName(alive: alive, host: shortHostName())
        // Hidden like the ei and JInterface peers: the driver's global and pg then leave it alone.
        // One event loop for every connection, and the consumer tasks run on it too.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let executor = EventLoopExecutor(group.next())
        let endpoint = DistributionEndpoint(
            configuration: .init(name: .name(name), cookie: cookie, hidden: true, logger: logger),
            eventLoopGroup: group)
        let listener = try await endpoint.listen(host: "0.0.0.0", port: 0)
        let registration = try await EPMDClient().register(name: alive, port: UInt16(listener.port))
        say("swerl-dist-peer: \(name) listening on \(listener.port)")
        for await connection in listener.connections {
            // One task per connection: a reconnect may finish its handshake before the old
            // connection's stream has ended.
            Task(executorPreference: executor) { await serve(connection) }
        }
        withExtendedLifetime(registration) {}
    }

    /// `hostname -s`, as the driver names its peers.
    static func shortHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let full = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(full.prefix { $0 != "." })
    }

    static func serve(_ connection: DistributionConnection) async {
        var peer = BenchPeer(connection: connection)
        do {
            for try await message in connection.incoming {
                guard peer.isForUs(message.control), let payload = message.payload else { continue }
                if let reply = peer.handle(payload) {
                    try await connection.send(reply)
                }
            }
        } catch {
            say("swerl-dist-peer: connection to \(connection.peer) ended: \(error)")
        }
    }
}

/// Writes a line to standard error (progress for the driver's peer log; never payloads or cookies).
func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
