// swerl-dist-codec-bench: nanoseconds per message for the connected-state codec alone, without
// sockets or a node: `DistributionMessageReader` reading the frames the shared distribution
// benchmark's peer receives, and `DistributionMessageWriter` writing the reply it sends. Both with
// the flags a Swerl node agrees with OTP 25 (atom cache and fragments), on a warm atom cache.
// Each figure is the fastest of several rounds: this machine is shared and noisy, and the fastest
// round is the one least disturbed. It is a tool for changes to the codec, not a ratio to BEAM;
// the distribution benchmark (`swerl-dist-peer`) is that.

import ArgumentParser
import ErlangDistribution
import ErlangTerm
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

@main
struct DistCodecBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swerl-dist-codec-bench",
        abstract: "ns per message for the distribution codec: reading the benchmark's messages, writing its reply.")

    @Option(help: "Rounds per case; the fastest counts.")
    var rounds = 15

    @Option(help: "Messages per round.")
    var messages = 200_000

    static let flags = DistributionFlags.swerlDefault
    static let driver = PID(node: "bench_a@host", id: 90, serial: 0, creation: 1_700_000_001)
    static let peer = PID(node: "bench_s@host", id: 5, serial: 0, creation: 1_700_000_002)

    func run() throws {
        // The frames the driver sends: 1,000 of each kind, as one connection's writer makes them.
        var writer = DistributionMessageWriter(flags: Self.flags)
        let bytes64 = Term.binary([UInt8](repeating: 7, count: 64))
        let seq = try (0..<1000).map { n in
            try frame(&writer, .tuple([.atom("seq"), .integer(n), bytes64]))
        }
        let ping = try (0..<1000).map { n in
            try frame(&writer, .tuple([.atom("ping"), .pid(Self.driver), .integer(n)]))
        }
        // The peer's reader, with the atom cache as those frames left it.
        var warm = DistributionMessageReader(flags: Self.flags)
        for frame in seq + ping { _ = try warm.read(frame: frame) }

        try report("read {seq, N, <<64 bytes>>} (SEND_SENDER)") { try read(seq, from: warm) }
        try report("read {ping, From, N} (SEND_SENDER)") { try read(ping, from: warm) }
        try report("write {pong, N} (SEND_SENDER)") { try writeReplies() }
    }

    private func frame(_ writer: inout DistributionMessageWriter, _ payload: Term) throws -> ByteBuffer {
        let message = DistributionMessage(control: .sendSender(from: Self.driver, to: Self.peer), payload: payload)
        return try writer.write(message)[0]
    }

    /// Reads `messages` frames, cycling through `frames`; returns the messages read.
    private func read(_ frames: [ByteBuffer], from warm: DistributionMessageReader) throws -> Int {
        var reader = warm
        var read = 0
        for index in 0..<messages {
            if try reader.read(frame: frames[index % frames.count])?.payload != nil { read += 1 }
        }
        return read
    }

    /// Writes `messages` replies; returns their bytes.
    private func writeReplies() throws -> Int {
        var writer = DistributionMessageWriter(flags: Self.flags)
        var bytes = 0
        for n in 0..<messages {
            let reply = DistributionMessage(control: .sendSender(from: Self.peer, to: Self.driver), payload: .tuple([.atom("pong"), .integer(n)]))
            var frames = try writer.frames(for: reply)
            while let frame = frames.next() { bytes += frame.readableBytes }
        }
        return bytes
    }

    private func report(_ name: String, _ body: () throws -> Int) throws {
        var fastest = Double.infinity
        for _ in 0..<rounds {
            let start = nanoseconds()
            let result = try body()
            precondition(result > 0)
            fastest = min(fastest, Double(nanoseconds() - start) / Double(messages))
        }
        print("\(name): \(Int(fastest.rounded())) ns per message")
    }

    private func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
