import ErlangDistribution
import NIOCore

/// Runs an initiator machine against an acceptor machine in memory, shuttling the bytes each
/// writes to the other (whole or in chunks) and answering the node's questions.
struct HandshakeSimulation {
    enum Side: Int { case initiator = 0, acceptor = 1 }

    enum Outcome: Equatable {
        case completed(HandshakeResult)
        case failed(DistributionError)
    }

    var machines: [HandshakeStateMachine]
    var inboxes: [ByteBuffer] = [ByteBuffer(), ByteBuffer()]
    var outcomes: [Outcome?] = [nil, nil]
    /// Every action each side returned, in order.
    var actions: [[HandshakeStateMachine.Action]] = [[], []]
    /// Every byte each side wrote.
    var written: [ByteBuffer] = [ByteBuffer(), ByteBuffer()]

    var decision: AcceptDecision = .ok
    var stillPending = true
    /// Deliver this many bytes at a time (nil: everything available).
    var chunkSize: Int?
    /// Bytes the acceptor sends right behind its ack, as OTP's first 4-byte frames.
    var acceptorTrailer = ByteBuffer()

    init(initiator: HandshakeStateMachine, acceptor: HandshakeStateMachine) {
        machines = [initiator, acceptor]
    }

    var initiatorOutcome: Outcome? { outcomes[0] }
    var acceptorOutcome: Outcome? { outcomes[1] }

    var initiatorResult: HandshakeResult? {
        if case .completed(let result)? = outcomes[0] { return result }
        return nil
    }

    var acceptorResult: HandshakeResult? {
        if case .completed(let result)? = outcomes[1] { return result }
        return nil
    }

    func error(_ side: Side) -> DistributionError? {
        if case .failed(let error)? = outcomes[side.rawValue] { return error }
        return nil
    }

    mutating func run() {
        perform(machines[1].start(), on: .acceptor)
        perform(machines[0].start(), on: .initiator)
        var idleRounds = 0
        while idleRounds < 2 {
            var progressed = false
            for side in [Side.initiator, .acceptor] where deliver(to: side) { progressed = true }
            if !progressed {
                // A side whose peer gave up sees the connection close once it has read everything.
                for side in [Side.initiator, .acceptor] where outcomes[side.rawValue] == nil && outcomes[1 - side.rawValue] != nil {
                    perform(machines[side.rawValue].connectionClosed(), on: side)
                    progressed = true
                }
            }
            idleRounds = progressed ? 0 : idleRounds + 1
        }
    }

    /// Delivers some of `side`'s inbox; returns whether anything was delivered.
    private mutating func deliver(to side: Side) -> Bool {
        let index = side.rawValue
        guard inboxes[index].readableBytes > 0, outcomes[index] == nil else { return false }
        let count = min(chunkSize ?? Int.max, inboxes[index].readableBytes)
        let chunk = inboxes[index].readSlice(length: count)!
        perform(machines[index].received(chunk), on: side)
        return true
    }

    private mutating func send(_ bytes: ByteBuffer, from side: Side) {
        var bytes = bytes
        var copy = bytes
        written[side.rawValue].writeBuffer(&copy)
        inboxes[1 - side.rawValue].writeBuffer(&bytes)
    }

    private mutating func perform(_ action: HandshakeStateMachine.Action, on side: Side) {
        let index = side.rawValue
        actions[index].append(action)
        switch action {
        case .needMoreBytes:
            break
        case .write(let bytes):
            send(bytes, from: side)
        case .checkSimultaneous:
            perform(machines[index].pendingResolved(decision), on: side)
        case .checkStillPending:
            perform(machines[index].stillPendingAnswered(stillPending), on: side)
        case .waitForOldConnection:
            perform(machines[index].oldConnectionClosed(), on: side)
        case .completed(let result, let write):
            if let write { send(write, from: side) }
            if side == .acceptor { send(acceptorTrailer, from: side) }
            outcomes[index] = .completed(result)
        case .failed(let error, let write):
            if let write { send(write, from: side) }
            outcomes[index] = .failed(error)
        }
    }
}

extension ByteBuffer {
    /// A buffer from hex text; spaces are ignored.
    init(hex: String) {
        let digits = Array(hex.filter { !$0.isWhitespace })
        var bytes: [UInt8] = []
        var index = 0
        while index + 1 < digits.count {
            bytes.append(UInt8(String(digits[index...index + 1]), radix: 16)!)
            index += 2
        }
        self.init(bytes: bytes)
    }

    var hex: String {
        readableBytesView.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
