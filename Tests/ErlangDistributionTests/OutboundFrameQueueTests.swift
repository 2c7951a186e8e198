@testable import ErlangDistribution
import ErlangTerm
import NIOCore
import Testing

/// The round-robin of frames that interleaves a large message's fragments with other messages.
@Suite struct OutboundFrameQueueTests {
    /// A message to `name` from the process with id `sender` (each test message its own sender
    /// unless told otherwise, so that they interleave).
    static func message(_ name: String, sender: UInt32? = nil) -> DistributionMessage {
        let id = sender ?? name.utf8.reduce(UInt32(7)) { ($0 &* 31 &+ UInt32($1)) & 0x7FFF }
        return DistributionMessage(control: .regSend(from: PID(node: "a@h", id: id, serial: 0, creation: 1), to: Atom(name)), payload: .atom("x"))
    }

    /// A fake encoder: message "big" makes three frames, others one; records the encoding order.
    struct Encoder {
        var encoded: [String] = []
        mutating func encode(_ message: DistributionMessage) throws -> IndexingIterator<[ByteBuffer]> {
            guard case .regSend(_, let name) = message.control else { return [ByteBuffer]().makeIterator() }
            encoded.append(name.name)
            if name.name == "bad" { throw DistributionError(.invalidTerm, "cannot") }
            let count = name.name == "big" ? 3 : 1
            return (1...count).map { ByteBuffer(string: "\(name.name)\($0)") }.makeIterator()
        }
    }

    static func drain(_ queue: inout OutboundFrameQueue<String, IndexingIterator<[ByteBuffer]>>, _ encoder: inout Encoder) -> [String] {
        var log: [String] = []
        while let next = queue.next(encode: { try encoder.encode($0) }) {
            switch next {
            case .frame(let frame, let completes):
                log.append(String(buffer: frame) + (completes.map { " done:\($0)" } ?? ""))
            case .failed(_, let completion):
                log.append("failed:\(completion)")
            }
        }
        return log
    }

    @Test func fragmentsInterleaveWithLaterMessages() {
        var queue = OutboundFrameQueue<String, IndexingIterator<[ByteBuffer]>>()
        var encoder = Encoder()
        queue.append(Self.message("big"), completion: "B")
        queue.append(Self.message("small"), completion: "S")
        queue.append(Self.message("tiny"), completion: "T")
        #expect(Self.drain(&queue, &encoder) == ["big1", "small1 done:S", "tiny1 done:T", "big2", "big3 done:B"])
        #expect(encoder.encoded == ["big", "small", "tiny"])
    }

    /// One sender's messages never interleave: the second waits until the first is out whole,
    /// while another sender's message goes between the fragments.
    @Test func oneSendersMessagesStayWholeAndInOrder() {
        var queue = OutboundFrameQueue<String, IndexingIterator<[ByteBuffer]>>()
        var encoder = Encoder()
        queue.append(Self.message("big", sender: 1), completion: "B")
        queue.append(Self.message("small", sender: 1), completion: "S")
        queue.append(Self.message("tiny", sender: 2), completion: "T")
        #expect(queue.count == 3)
        #expect(Self.drain(&queue, &encoder) == ["big1", "tiny1 done:T", "big2", "big3 done:B", "small1 done:S"])
        #expect(encoder.encoded == ["big", "tiny", "small"])
        #expect(queue.isEmpty)
    }

    @Test func messagesAreEncodedOnlyWhenTheirFirstFrameIsDue() {
        var queue = OutboundFrameQueue<String, IndexingIterator<[ByteBuffer]>>()
        var encoder = Encoder()
        queue.append(Self.message("big"), completion: "B")
        _ = queue.next(encode: { try encoder.encode($0) })
        queue.append(Self.message("late"), completion: "L")
        #expect(encoder.encoded == ["big"])
        #expect(Self.drain(&queue, &encoder) == ["big2", "late1 done:L", "big3 done:B"])
    }

    @Test func anUnencodableMessageFailsAloneAndRemovingAllReturnsTheRest() {
        var queue = OutboundFrameQueue<String, IndexingIterator<[ByteBuffer]>>()
        var encoder = Encoder()
        queue.append(Self.message("bad"), completion: "X")
        queue.append(Self.message("big"), completion: "B")
        queue.append(Self.message("small"), completion: "S")
        #expect(queue.next(encode: { try encoder.encode($0) }).map { if case .failed(_, "X") = $0 { true } else { false } } == true)
        _ = queue.next(encode: { try encoder.encode($0) })
        #expect(queue.removeAll().sorted() == ["B", "S"])
        #expect(queue.isEmpty)
    }
}
