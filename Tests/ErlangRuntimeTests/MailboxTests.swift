import ErlangTerm
import Foundation
import Testing

@testable import ErlangRuntime

@Suite struct MailboxTests {
    @Test func messagesComeInOrder() async {
        let mailbox = Mailbox()
        for number in 1...3000 { mailbox.deliver(.integer(number)) }
        var received: [Term] = []
        for await message in mailbox {
            received.append(message)
            if received.count == 3000 { break }
        }
        #expect(received == (1...3000).map { .integer($0) })
        #expect(mailbox.count == 0)
    }

    @Test func selectiveReceiveLeavesOtherMessagesInPlace() async {
        let mailbox = Mailbox()
        mailbox.deliver(.atom("first"))
        mailbox.deliver(.tuple([.atom("reply"), 7]))
        mailbox.deliver(.atom("second"))
        let reply = await mailbox.receive(matching: { if case .tuple = $0 { true } else { false } })
        #expect(reply == .tuple([.atom("reply"), 7]))
        #expect(await mailbox.receive() == .atom("first"))
        #expect(await mailbox.receive() == .atom("second"))
    }

    @Test func aWaitingReceiverGetsOnlyWhatMatches() async {
        let mailbox = Mailbox()
        let waiting = Task { await mailbox.receive(matching: { $0 == .atom("wanted") }, timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(50))
        mailbox.deliver(.atom("other"))
        mailbox.deliver(.atom("wanted"))
        #expect(await waiting.value == .atom("wanted"))
        #expect(await mailbox.receive(timeout: .zero) == .atom("other"))
    }

    @Test func receiveTimesOut() async {
        let mailbox = Mailbox()
        let start = ContinuousClock.now
        #expect(await mailbox.receive(timeout: .milliseconds(100)) == nil)
        #expect(ContinuousClock.now - start >= .milliseconds(100))
        mailbox.deliver(.atom("late"))
        #expect(await mailbox.receive(timeout: .zero) == .atom("late"))
    }

    @Test func manyLongWaitsEndedByMessagesLeaveLaterTimeoutsExact() async {
        let mailbox = Mailbox()
        for number in 1...2000 {
            let waiting = Task { await mailbox.receive(timeout: .seconds(3600)) }
            while mailbox.waiterCount == 0 { await Task.yield() }
            mailbox.deliver(.integer(number))
            #expect(await waiting.value == .integer(number))
        }
        #expect(mailbox.waiterCount == 0)
        let start = ContinuousClock.now
        #expect(await mailbox.receive(timeout: .milliseconds(50)) == nil)
        #expect(ContinuousClock.now - start >= .milliseconds(50))
    }

    @Test func cancellationEndsAReceive() async {
        let mailbox = Mailbox()
        let waiting = Task { await mailbox.receive() }
        try? await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        #expect(await waiting.value == nil)
        mailbox.deliver(.atom("kept"))
        #expect(await mailbox.receive(timeout: .zero) == .atom("kept"))
    }

    @Test func closingEndsWaitersAndDropsLaterMessages() async {
        let mailbox = Mailbox()
        let waiting = Task { await mailbox.receive() }
        try? await Task.sleep(for: .milliseconds(50))
        mailbox.close()
        #expect(await waiting.value == nil)
        mailbox.deliver(.atom("dropped"))
        #expect(mailbox.count == 0)
    }
}

@Suite struct ProcessTableTests {
    @Test func pidsAreNumberedAsERTSNumbersThem() {
        var table = ProcessTable(node: "swift@host", creation: 42)
        let (first, _) = table.spawn()
        let (second, _) = table.spawn()
        #expect(first == PID(node: "swift@host", id: 1, serial: 0, creation: 42))
        #expect(second == PID(node: "swift@host", id: 2, serial: 0, creation: 42))
        // 15-bit id, then the serial.
        #expect(table.pid(number: 1 << 15 | 3) == PID(node: "swift@host", id: 3, serial: 1, creation: 42))
    }

    @Test func aPidInUseIsNeverHandedOutAgain() {
        var table = ProcessTable(node: "swift@host", creation: 1)
        var live: [PID] = (0..<100).map { _ in table.spawn().0 }
        for pid in live.prefix(50) { _ = table.remove(pid) }
        live.removeFirst(50)
        var all = Set(live)
        for _ in 0..<100 {
            let inserted = all.insert(table.spawn().0).inserted
            #expect(inserted)
        }
        #expect(table.pids.count == 150)
    }

    @Test func onlyThisNodesAndCreationsPidsHaveMailboxes() {
        var table = ProcessTable(node: "swift@host", creation: 7)
        let (pid, _) = table.spawn()
        #expect(table.mailbox(of: pid) != nil)
        let others = [
            PID(node: "other@host", id: pid.id, serial: pid.serial, creation: 7),
            PID(node: "swift@host", id: pid.id, serial: pid.serial, creation: 6),
            PID(node: "swift@host", id: pid.id | 1 << 15, serial: pid.serial, creation: 7),
            PID(node: "swift@host", id: pid.id, serial: pid.serial | 1 << 13, creation: 7),
        ]
        for other in others {
            #expect(table.mailbox(of: other) == nil, "\(other)")
            #expect(table.remove(other) == nil, "\(other)")
        }
        #expect(table.isAlive(pid))
    }

    @Test func namesFollowTheirProcess() {
        var table = ProcessTable(node: "swift@host", creation: 1)
        let (pid, _) = table.spawn()
        let (other, _) = table.spawn()
        let registered1 = table.register("echo", pid)
        #expect(registered1)
        let registered2 = table.register("echo", other)
        #expect(!registered2)
        let registered3 = table.register("second", pid)
        #expect(!registered3)
        #expect(table.whereis("echo") == pid)
        _ = table.remove(pid)
        #expect(table.whereis("echo") == nil)
        let registered4 = table.register("echo", other)
        #expect(registered4)
    }

    @Test func pidsOfAnotherCreationAreNotFound() {
        var table = ProcessTable(node: "swift@host", creation: 7)
        let (pid, _) = table.spawn()
        var stale = pid
        stale.creation = 6
        #expect(table.mailbox(of: pid) != nil)
        #expect(table.mailbox(of: stale) == nil)
    }
}

@Suite struct CookieTests {
    @Test func aMissingCookieFileIsCreatedAsErlCreatesIt() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("swerl-cookie-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let cookie = try ErlangCookie.default.resolve(home: home)
        #expect(cookie.count == 20)
        #expect(cookie.allSatisfy { ("A"..."Z").contains($0) })
        let attributes = try FileManager.default.attributesOfItem(atPath: home + "/.erlang.cookie")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o400)
        #expect(try ErlangCookie.default.resolve(home: home) == cookie)
        #expect(try ErlangCookie.explicit("given").resolve(home: home) == "given")
    }

    @Test func aCookieFileReadableByOthersIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swerl-cookie-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("SECRET\n".utf8), attributes: [.posixPermissions: 0o644])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ErlangNodeError.self) { try ErlangCookie.readOrCreate(path: path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try ErlangCookie.readOrCreate(path: path) == "SECRET")
    }
}
