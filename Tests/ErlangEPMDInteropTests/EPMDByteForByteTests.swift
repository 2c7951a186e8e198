import ErlangEPMD
import ErlangRuntime
import ErlangTestSupport
import Foundation
import Testing

/// The same raw conversation with real epmd and with the Swerl daemon, side by side: every reply
/// must be the same bytes, and every silent close a silent close. Only what depends on the
/// daemon's own port, its clock and its descriptor numbers is masked.
@Suite(.serialized) struct EPMDByteForByteTests {
    /// One side's record of the conversation.
    final class Transcript {
        let port: Int
        var lines: [String] = []
        var firstCreation: UInt32 = 0

        init(port: Int) {
            self.port = port
        }

        func note(_ step: String, _ bytes: [UInt8], closed: Bool? = nil) {
            var text = mask(bytes)
            if let closed { text += closed ? " EOF" : " open" }
            lines.append("\(step): \(text)")
        }

        // ALIVE2 creations come from the clock; NAMES and DUMP start with the daemon's port,
        // and DUMP shows descriptor numbers.
        private func mask(_ bytes: [UInt8]) -> String {
            let hex = bytes.map { String(format: "%02x", $0) }.joined()
            if bytes.count == 6, bytes[0] == 118, bytes[1] == 0 { return "7600<creation>" }
            if bytes.count == 4, bytes[0] == 121, bytes[1] == 0 { return "7900<creation \(bytes[3] >= 1 && bytes[3] <= 3 ? "1..3" : "?")>" }
            if bytes.count >= 4, bytes.prefix(4) == [UInt8(port >> 24 & 0xff), UInt8(port >> 16 & 0xff), UInt8(port >> 8 & 0xff), UInt8(port & 0xff)] {
                let text = String(decoding: bytes.dropFirst(4), as: UTF8.self)
                let masked = text.replacingOccurrences(of: #"fd = \d+"#, with: "fd = N", options: .regularExpression)
                return "<own port>" + masked.debugDescription
            }
            return hex
        }
    }

    static func frame(_ body: [UInt8]) -> [UInt8] {
        [UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body
    }

    static func alive2(_ name: [UInt8], port: UInt16 = 9102, highest: UInt16 = 6, extra: [UInt8] = []) -> [UInt8] {
        var body: [UInt8] = [120, UInt8(port >> 8), UInt8(port & 0xff), 77, 0, 0, UInt8(highest), 0, 5]
        body += [UInt8(name.count >> 8), UInt8(name.count & 0xff)] + name
        body += [UInt8(extra.count >> 8), UInt8(extra.count & 0xff)] + extra
        return frame(body)
    }

    static func alive2(_ name: String, port: UInt16 = 9102, highest: UInt16 = 6, extra: [UInt8] = []) -> [UInt8] {
        alive2(Array(name.utf8), port: port, highest: highest, extra: extra)
    }

    /// Registers and keeps the connection.
    static func register(_ transcript: Transcript, _ step: String, _ bytes: [UInt8]) async throws -> RawConnection {
        let connection = try await RawConnection.open(port: transcript.port)
        try await connection.send(bytes)
        let reply = await connection.read(atLeast: bytes[2 + 5] == 0 && bytes[2 + 6] < 6 ? 4 : 6)
        transcript.note(step, reply, closed: connection.isClosed)
        return connection
    }

    /// One request on its own connection, everything until the daemon closes (or `wait` passes:
    /// epmd holds a connection open after a failed ALIVE2).
    static func ask(_ transcript: Transcript, _ step: String, _ bytes: [UInt8], wait: Duration = .seconds(5)) async throws {
        let connection = try await RawConnection.open(port: transcript.port)
        try await connection.send(bytes)
        if wait < .seconds(5) {
            // Only replies are expected here: wait for one before giving the close `wait`.
            _ = await connection.read(atLeast: 1)
        }
        let (reply, closed) = await connection.readToEOF(timeout: wait)
        transcript.note(step, reply, closed: closed)
        await connection.close()
    }

    static func creation(_ bytes: [UInt8]) -> UInt32 {
        bytes.count == 6 ? bytes[2...].reduce(0) { $0 << 8 | UInt32($1) } : 0
    }

    /// The conversation for a daemon without the relaxed command check.
    static func converse(port: Int) async throws -> [String] {
        let t = Transcript(port: port)
        let b = try await register(t, "ALIVE2 b", alive2("b"))
        t.firstCreation = creation(b.bytes)
        try await ask(t, "ALIVE2 b again", alive2("b", port: 1), wait: .milliseconds(500))
        let n5 = try await register(t, "ALIVE2 n5 version 5", alive2("n5", port: 5555, highest: 5))
        let n6 = try await register(t, "ALIVE2 n6 extra", alive2("n6", port: 5555, extra: Array("xyz".utf8)))
        try await ask(t, "ALIVE2 n5 again version 5", alive2("n5", port: 5555, highest: 5), wait: .milliseconds(500))
        try await ask(t, "PORT_PLEASE2 b", frame([122] + Array("b".utf8)))
        try await ask(t, "PORT_PLEASE2 b NUL", frame([122] + Array("b".utf8) + [0]))
        try await ask(t, "PORT_PLEASE2 n6", frame([122] + Array("n6".utf8)))
        try await ask(t, "PORT_PLEASE2 x", frame([122, 120]))
        try await ask(t, "PORT_PLEASE2 empty", frame([122]))
        try await ask(t, "PORT_PLEASE2 NUL", frame([122, 0]))
        try await ask(t, "PORT_PLEASE2 inner NUL", frame([122, 98, 0, 99]))
        try await ask(t, "PORT_PLEASE2 invalid UTF-8", frame([122, 0xff]))
        try await ask(t, "PORT_PLEASE2 254 chars", frame([122] + Array(repeating: 120, count: 254)))
        try await ask(t, "PORT_PLEASE2 255 chars", frame([122] + Array(repeating: 120, count: 255)))
        try await ask(t, "NAMES", frame([110]))
        try await ask(t, "NAMES with bytes in its frame", frame([110, 88, 89]))
        try await ask(t, "DUMP", frame([100]))
        try await ask(t, "KILL with nodes", frame([107]))
        try await ask(t, "STOP without relaxed check", frame([115] + Array("b".utf8)))
        try await ask(t, "unknown request", frame([81]))
        try await ask(t, "legacy ALIVE_REQ", frame([97, 0, 1, 98]))
        try await ask(t, "length 0", [0, 0])
        try await ask(t, "NAMES and a byte more", frame([110]) + [110])
        try await ask(t, "ALIVE2 13 bytes", frame([120] + Array(repeating: 0, count: 12)))
        try await ask(t, "ALIVE2 name past frame", frame([120, 35, 40, 77, 0, 0, 6, 0, 5, 0, 10, 97, 98, 0, 0]))
        try await ask(t, "ALIVE2 NUL in name", alive2([97, 0, 98]))
        try await ask(t, "ALIVE2 256 chars", alive2(String(repeating: "y", count: 256)), wait: .milliseconds(500))
        try await ask(t, "ALIVE2 256 wide chars", alive2(String(repeating: "é", count: 256)), wait: .milliseconds(500))
        try await ask(t, "ALIVE2 invalid UTF-8", alive2([0xed, 0xa0, 0x80]), wait: .milliseconds(500))
        try await ask(t, "ALIVE2 extra 1021", alive2("e", extra: Array(repeating: 101, count: 1021)), wait: .milliseconds(500))
        try await ask(t, "ALIVE2 frame 3057", alive2("L", extra: Array(repeating: 101, count: 3057 - 14)), wait: .milliseconds(500))
        try await ask(t, "frame 3058", alive2("L", extra: Array(repeating: 101, count: 3058 - 14)))
        let empty = try await register(t, "ALIVE2 empty name", alive2([], extra: [113]))
        let wide = try await register(t, "ALIVE2 255 wide chars", alive2(String(repeating: "😀", count: 255)))
        try await ask(t, "NAMES", frame([110]))
        await empty.close()
        await wide.close()
        // Let the daemon see those closes before anything else, so that the remembered names
        // are in the same order on both daemons.
        try await eventually("the empty and wide names unregistered on \(port)") {
            let names = try await RawConnection.exchange(port: port, bytes: frame([110]))
            return names.dropFirst(4).filter { $0 == 10 }.count == 3
        }

        // Bytes on a registration connection end it; so does closing it.
        try await n5.send(Array("junk".utf8))
        t.note("junk on n5's registration", await n5.readToEOF().bytes, closed: n5.isClosed)
        try await eventually("n5 unregistered on \(port)") {
            try await RawConnection.exchange(port: port, bytes: frame([122] + Array("n5".utf8))) == [119, 1]
        }
        await b.close()
        try await eventually("b unregistered on \(port)") {
            try await RawConnection.exchange(port: port, bytes: frame([122, 98])) == [119, 1]
        }
        try await ask(t, "NAMES after n5 and b left", frame([110]))
        try await ask(t, "DUMP after n5 and b left", frame([100]))
        let again = try await RawConnection.open(port: port)
        try await again.send(alive2("b"))
        let creationAgain = creation(await again.read(atLeast: 6))
        t.lines.append("ALIVE2 b once more: creation \(creationAgain == t.firstCreation &+ 1 ? "first + 1" : "\(creationAgain) after \(t.firstCreation)")")
        await again.close()
        await n6.close()
        return t.lines
    }

    /// The conversation for a daemon with the relaxed command check; it ends with KILL.
    static func converseRelaxed(port: Int) async throws -> [String] {
        let t = Transcript(port: port)
        let n6 = try await register(t, "ALIVE2 n6", alive2("n6", port: 5555))
        try await ask(t, "STOP n6", frame([115] + Array("n6".utf8)))
        t.note("n6's registration after STOP", await n6.readToEOF().bytes, closed: n6.isClosed)
        try await ask(t, "STOP unknown", frame([115] + Array("none".utf8)))
        try await ask(t, "STOP unknown NUL", frame([115] + Array("none".utf8) + [0]))
        try await ask(t, "STOP empty", frame([115]))
        let k1 = try await register(t, "ALIVE2 k1", alive2("k1"))
        try await ask(t, "KILL with nodes, relaxed", frame([107]))
        t.note("k1's registration after KILL", await k1.readToEOF().bytes, closed: k1.isClosed)
        return t.lines
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swerlDaemonAnswersAsEPMDDoes() async throws {
        let port = try await Interop.freePort()
        let epmd = try await Interop.startRealEPMD(port: port)
        defer { epmd.killNow() }
        let swerl = try await EPMDServer.start(
            configuration: .init(port: 0, addresses: ["127.0.0.1"]), logger: EPMDInteropTests.logger)
        defer { Task { await swerl.shutdown() } }

        let expected = try await Self.converse(port: port)
        let actual = try await Self.converse(port: swerl.port)
        #expect(actual.count == expected.count)
        for (mine, theirs) in zip(actual, expected) {
            #expect(mine == theirs)
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func relaxedSwerlDaemonAnswersAsRelaxedEPMDDoes() async throws {
        let port = try await Interop.freePort()
        let epmd = try await Interop.startRealEPMD(port: port, relaxed: true)
        defer { epmd.killNow() }
        let swerl = try await EPMDServer.start(
            configuration: .init(port: 0, addresses: ["127.0.0.1"], relaxedCommandCheck: true), logger: EPMDInteropTests.logger)
        defer { Task { await swerl.shutdown() } }

        let expected = try await Self.converseRelaxed(port: port)
        let actual = try await Self.converseRelaxed(port: swerl.port)
        #expect(actual == expected)
        // KILL stopped both daemons.
        #expect(await epmd.waitForExit(timeout: .seconds(10)))
        try await eventually("the Swerl daemon stopped after KILL", timeout: .seconds(10)) {
            (try? await RawConnection.open(port: swerl.port)) == nil
        }
    }
}
