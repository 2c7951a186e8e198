import ErlangTerm
import Synchronization
import Testing

@testable import ErlangRuntime

@Suite struct MailboxHandlerTests {
    @Test func queuedMessagesGoToTheHandlerAtOnceThenLaterOnesOnDelivery() {
        let mailbox = Mailbox()
        mailbox.deliver(.integer(1))
        mailbox.deliver(.integer(2))
        let seen = Mutex<[Term]>([])
        mailbox.handle { message in seen.withLock { $0.append(message) } }
        #expect(seen.withLock { $0 } == [.integer(1), .integer(2)])
        mailbox.deliver(.integer(3))
        #expect(seen.withLock { $0 } == [.integer(1), .integer(2), .integer(3)])
        #expect(mailbox.count == 0)
    }

    @Test func aMessageDeliveredFromTheHandlerWaitsUntilItReturns() {
        let mailbox = Mailbox()
        let trace = Mutex<[String]>([])
        mailbox.handle { message in
            trace.withLock { $0.append("start \(message)") }
            if message == .integer(1) { mailbox.deliver(.integer(2)) }
            trace.withLock { $0.append("end \(message)") }
        }
        mailbox.deliver(.integer(1))
        #expect(trace.withLock { $0 } == ["start 1", "end 1", "start 2", "end 2"])
    }

    @Test func concurrentDeliveriesReachTheHandlerOneAtATimeAndAllOfThem() async {
        let mailbox = Mailbox()
        let state = Mutex<(running: Int, overlapped: Bool, seen: Set<Int>)>((0, false, []))
        mailbox.handle { message in
            guard case .integer(let number) = message else { return }
            state.withLock { state in
                state.running += 1
                if state.running > 1 { state.overlapped = true }
            }
            state.withLock { state in
                state.seen.insert(Int(number))
                state.running -= 1
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<8 {
                group.addTask {
                    for number in 0..<1000 { mailbox.deliver(.integer(sender * 1000 + number)) }
                }
            }
        }
        let final = state.withLock { $0 }
        #expect(!final.overlapped)
        #expect(final.seen == Set(0..<8000))
    }

    @Test func oneSendersMessagesKeepTheirOrder() async {
        let mailbox = Mailbox()
        let seen = Mutex<[Int: [Int]]>([:])
        mailbox.handle { message in
            guard case .tuple(let elements) = message, case .integer(let sender) = elements[0],
                case .integer(let number) = elements[1]
            else { return }
            seen.withLock { $0[Int(sender), default: []].append(Int(number)) }
        }
        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<4 {
                group.addTask {
                    for number in 0..<2000 { mailbox.deliver(.tuple([.integer(sender), .integer(number)])) }
                }
            }
        }
        for sender in 0..<4 {
            #expect(seen.withLock { $0[sender] } == Array(0..<2000))
        }
    }

    @Test func receiversGetNilOnceAHandlerTakesTheMailbox() async {
        let mailbox = Mailbox()
        let waiting = Task { await mailbox.receive(timeout: .seconds(30)) }
        while mailbox.waiterCount == 0 { await Task.yield() }
        mailbox.handle { _ in }
        #expect(await waiting.value == nil)
        mailbox.deliver(.atom("taken"))
        #expect(await mailbox.receive(timeout: .seconds(1)) == nil)
    }

    @Test func theHandlerStopsWhenTheProcessExits() {
        let mailbox = Mailbox()
        let count = Mutex(0)
        mailbox.handle { _ in count.withLock { $0 += 1 } }
        mailbox.deliver(.atom("one"))
        mailbox.close()
        mailbox.deliver(.atom("two"))
        #expect(count.withLock { $0 } == 1)
    }
}
