import ErlangDistribution
import ErlangRuntime
import ErlangTerm

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `bench_peer` process of one connection: counts `seq` and `bin` messages and answers
/// `hello`, `done` and `ping` (dist_bench.erl, `peer_loop/1`).
struct BenchPeer {
    static let registeredName: Atom = "bench_peer"
    static let seq: Term = .atom("seq")
    static let bin: Term = .atom("bin")
    static let ping: Term = .atom("ping")
    static let done: Term = .atom("done")
    static let hello: Term = .atom("hello")
    static let stop: Term = .atom("stop")

    /// The pid `hello_ack` hands out; later traffic is sent to it.
    let pid: PID
    private let sendSender: Bool
    private(set) var count = 0

    init(connection: DistributionConnection) {
        let handshake = connection.handshake
        pid = PID(node: handshake.localName.atom, id: 1, serial: 0, creation: handshake.localCreation)
        sendSender = connection.agreedFlags.contains(.sendSender)
    }

    /// Messages to the registered name `bench_peer` or to our pid.
    func isForUs(_ control: ControlMessage) -> Bool {
        switch control {
        case .regSend(_, let name): name == Self.registeredName
        case .sendSender(_, let to), .send(let to): to == pid
        default: false
        }
    }

    /// Handles one message; returns the reply to send, if any. `stop` exits the process.
    mutating func handle(_ payload: Term) -> DistributionMessage? {
        guard case .tuple(let elements) = payload, let tag = elements.first else {
            if payload == Self.stop { exit(0) }
            return nil
        }
        switch elements.count {
        case 3 where tag == Self.seq || tag == Self.bin:
            count += 1
            return nil
        case 3 where tag == Self.ping:
            return reply(to: elements[1], .tuple([.atom("pong"), elements[2]]))
        case 3 where tag == Self.done:
            defer { count = 0 }
            return reply(to: elements[1], .tuple([.atom("ack"), elements[2], .integer(count)]))
        case 2 where tag == Self.hello:
            return reply(to: elements[1], .tuple([.atom("hello_ack"), .pid(pid)]))
        default:
            return nil
        }
    }

    private func reply(to from: Term, _ message: Term) -> DistributionMessage? {
        guard case .pid(let to) = from else { return nil }
        let control: ControlMessage = sendSender ? .sendSender(from: pid, to: to) : .send(to: to)
        return DistributionMessage(control: control, payload: message)
    }
}
