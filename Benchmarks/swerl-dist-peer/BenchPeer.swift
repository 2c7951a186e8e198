import ErlangRuntime
import ErlangTerm

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state of the `bench_peer` process: counts `seq` and `bin` messages and answers `hello`,
/// `done` and `ping` (dist_bench.erl, `peer_loop/1`).
struct BenchPeer {
    static let registeredName: Atom = "bench_peer"
    static let seq: Term = .atom("seq")
    static let bin: Term = .atom("bin")
    static let ping: Term = .atom("ping")
    static let done: Term = .atom("done")
    static let hello: Term = .atom("hello")
    static let stop: Term = .atom("stop")

    /// The process's pid, which `hello_ack` hands out.
    let pid: PID
    private(set) var count = 0

    init(pid: PID) {
        self.pid = pid
    }

    /// Handles one message; returns the reply and where it goes, if any. `stop` exits the program.
    mutating func handle(_ payload: Term) -> (Term, PID)? {
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

    private func reply(to from: Term, _ message: Term) -> (Term, PID)? {
        guard case .pid(let to) = from else { return nil }
        return (message, to)
    }
}
