import ErlangDistribution
import ErlangTerm
import NIOConcurrencyHelpers
import Testing

@testable import ErlangRuntime

/// Plain messages skip the reader only when nothing before them is still with the reader.
@Suite struct InboundFastPathTests {
    static let pid = PID(node: "a@h", id: 1, serial: 0, creation: 1)
    static let plain = DistributionMessage(control: .send(to: pid), payload: .atom("m"))
    static let link = DistributionMessage(control: .link(from: pid, to: pid))

    @Test func plainMessagesWaitBehindWhatTheReaderHas() {
        let fastPath = InboundFastPath()
        let delivered = NIOLockedValueBox(0)
        #expect(fastPath.offer(Self.plain) == false)
        fastPath.install { message in
            guard case .send = message.control else { return false }
            delivered.withLockedValue { $0 += 1 }
            return true
        }
        // The first message is still with the reader: the next one queues behind it.
        #expect(fastPath.offer(Self.plain) == false)
        fastPath.handled()
        fastPath.handled()
        #expect(fastPath.offer(Self.plain))
        #expect(fastPath.offer(Self.link) == false)
        #expect(fastPath.offer(Self.plain) == false)
        fastPath.handled()
        fastPath.handled()
        #expect(fastPath.offer(Self.plain))
        #expect(delivered.withLockedValue { $0 } == 2)
    }
}
