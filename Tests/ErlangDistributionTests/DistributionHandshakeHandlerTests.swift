import ErlangDistribution
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

/// The handshake handler on an `NIOAsyncTestingChannel`, with a pure machine as the peer.
@Suite struct DistributionHandshakeHandlerTests {
    static let local = try! NodeName("local@host")
    static let remote = try! NodeName("remote@host")

    struct Delegate: DistributionHandshakeDelegate {
        var decision: AcceptDecision = .ok
        let asked = NIOLockedValueBox<[PendingConnection]>([])
        func checkSimultaneous(_ pending: PendingConnection) async -> AcceptDecision {
            asked.withLockedValue { $0.append(pending) }
            return decision
        }
        func isStillPending(_ peer: NodeName) async -> Bool { true }
        func closeOldConnection(to peer: NodeName) async {}
    }

    /// Answers `accept_pending` without waiting; the async question must not be asked.
    struct AtOnceDelegate: DistributionHandshakeDelegate {
        let asked = NIOLockedValueBox<[PendingConnection]>([])
        func checkSimultaneousAtOnce(_ pending: PendingConnection) -> AcceptDecision? {
            asked.withLockedValue { $0.append(pending) }
            return .ok
        }
        func checkSimultaneous(_ pending: PendingConnection) async -> AcceptDecision {
            Issue.record("the async question was asked")
            return .nok
        }
        func isStillPending(_ peer: NodeName) async -> Bool { true }
        func closeOldConnection(to peer: NodeName) async {}
    }

    /// What the handler reported, and what reached the handler installed behind it.
    final class Outcome: Sendable {
        let result = NIOLockedValueBox<HandshakeResult?>(nil)
        let error = NIOLockedValueBox<DistributionError?>(nil)
        let passedOn = NIOLockedValueBox<[ByteBuffer]>([])
    }

    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let outcome: Outcome
        init(_ outcome: Outcome) { self.outcome = outcome }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
            outcome.passedOn.withLockedValue { $0.append(bytes) }
        }
    }

    static func configuration(_ name: NodeName, cookie: String = "cookie") -> HandshakeConfiguration {
        HandshakeConfiguration(name: .name(name), creation: 42, cookie: cookie)
    }

    static func makeChannel(machine: HandshakeStateMachine, delegate: some DistributionHandshakeDelegate, outcome: Outcome) async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel()
        try await channel.testingEventLoop.executeInContext {
            let handler = DistributionHandshakeHandler(
                machine: machine, setupTime: .seconds(7), delegate: delegate,
                connected: { result, channel in
                    outcome.result.withLockedValue { $0 = result }
                    try channel.pipeline.syncOperations.addHandler(Collector(outcome))
                },
                failed: { error in outcome.error.withLockedValue { $0 = error } })
            try channel.pipeline.syncOperations.addHandler(handler)
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4370)).get()
        return channel
    }

    /// Shuttles bytes between the channel and the peer machine until neither moves.
    static func exchange(
        _ channel: NIOAsyncTestingChannel, peer: inout HandshakeStateMachine, peerDecision: AcceptDecision = .ok,
        trailer: ByteBuffer = ByteBuffer()
    ) async throws {
        var quiet = 0
        while quiet < 20 {
            await channel.testingEventLoop.run()
            guard let bytes = try await channel.readOutbound(as: ByteBuffer.self) else {
                quiet += 1
                try await Task.sleep(for: .milliseconds(2))
                continue
            }
            quiet = 0
            var action = peer.received(bytes)
            while true {
                switch action {
                case .write(let reply):
                    try await channel.writeInbound(reply)
                case .checkSimultaneous:
                    action = peer.pendingResolved(peerDecision)
                    continue
                case .completed(_, let write), .failed(_, let write):
                    var all = write ?? ByteBuffer()
                    var trailer = trailer
                    all.writeBuffer(&trailer)
                    if all.readableBytes > 0 { try await channel.writeInbound(all) }
                default:
                    break
                }
                break
            }
        }
    }

    /// An accepting handler with `delegate` that has just read the peer machine's name.
    static func acceptName(
        delegate: some DistributionHandshakeDelegate, outcome: Outcome
    ) async throws -> (NIOAsyncTestingChannel, HandshakeStateMachine) {
        let channel = try await makeChannel(
            machine: HandshakeStateMachine(acceptingWith: configuration(local), challenge: 11),
            delegate: delegate, outcome: outcome)
        var peer = HandshakeStateMachine(connectingTo: local, configuration: configuration(remote), challenge: 12)
        guard case .write(let name) = peer.start() else { throw DistributionError(.handshakeProtocolViolation, "the peer machine sent no name") }
        try await channel.writeInbound(name)
        return (channel, peer)
    }

    @Test func anAcceptingHandlerCompletesAndRemovesItself() async throws {
        let outcome = Outcome()
        let delegate = Delegate()
        var (channel, peer) = try await Self.acceptName(delegate: delegate, outcome: outcome)
        try await Self.exchange(channel, peer: &peer)
        #expect(peer.isFinished)
        let result = try #require(outcome.result.withLockedValue { $0 })
        #expect(result.peer == Self.remote)
        #expect(delegate.asked.withLockedValue { $0.map(\.peer) } == [.name(Self.remote)])
        #expect(channel.isActive)
        // The handshake handler left; bytes now reach the handler behind it.
        try await channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 0]))
        #expect(outcome.passedOn.withLockedValue { $0 } == [ByteBuffer(bytes: [0, 0, 0, 0])])
    }

    @Test func anAnswerAtOnceSendsTheStatusWithinTheReadOfTheName() async throws {
        let delegate = AtOnceDelegate()
        let (channel, _) = try await Self.acceptName(delegate: delegate, outcome: Outcome())
        // No task ran in between: the status (`sok`) is already written.
        let status = try #require(try await channel.readOutbound(as: ByteBuffer.self))
        #expect(status.getBytes(at: status.readerIndex, length: 5) == [0, 3, UInt8(ascii: "s")] + Array("ok".utf8))
        #expect(delegate.asked.withLockedValue { $0.map(\.peer) } == [.name(Self.remote)])
    }

    @Test func anInitiatingHandlerPassesOnTheBytesBehindTheAck() async throws {
        let outcome = Outcome()
        let channel = try await Self.makeChannel(
            machine: HandshakeStateMachine(connectingTo: Self.remote, configuration: Self.configuration(Self.local), challenge: 11),
            delegate: Delegate(), outcome: outcome)
        var peer = HandshakeStateMachine(acceptingWith: Self.configuration(Self.remote), challenge: 12)
        try await Self.exchange(channel, peer: &peer, trailer: ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 1, 0x70]))
        let result = try #require(outcome.result.withLockedValue { $0 })
        #expect(result.role == .initiator)
        #expect(outcome.passedOn.withLockedValue { $0 } == [ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 1, 0x70])])
    }

    @Test func aWrongCookieClosesTheChannelWithATypedError() async throws {
        let outcome = Outcome()
        let channel = try await Self.makeChannel(
            machine: HandshakeStateMachine(acceptingWith: Self.configuration(Self.local), challenge: 11),
            delegate: Delegate(), outcome: outcome)
        var peer = HandshakeStateMachine(connectingTo: Self.local, configuration: Self.configuration(Self.remote, cookie: "other"), challenge: 12)
        guard case .write(let name) = peer.start() else { Issue.record("no name"); return }
        try await channel.writeInbound(name)
        try await Self.exchange(channel, peer: &peer)
        #expect(outcome.error.withLockedValue { $0 }?.code == .badCookie)
        #expect(!channel.isActive)
    }

    @Test func notAllowedIsSentBeforeClosing() async throws {
        let outcome = Outcome()
        var delegate = Delegate()
        delegate.decision = .notAllowed
        let channel = try await Self.makeChannel(
            machine: HandshakeStateMachine(acceptingWith: Self.configuration(Self.local), challenge: 11),
            delegate: delegate, outcome: outcome)
        var peer = HandshakeStateMachine(connectingTo: Self.local, configuration: Self.configuration(Self.remote), challenge: 12)
        guard case .write(let name) = peer.start() else { Issue.record("no name"); return }
        try await channel.writeInbound(name)
        var status: ByteBuffer?
        for _ in 0..<200 where status == nil {
            await channel.testingEventLoop.run()
            status = try await channel.readOutbound(as: ByteBuffer.self)
            if status == nil { try await Task.sleep(for: .milliseconds(2)) }
        }
        #expect(status == ByteBuffer(bytes: [0, 12] + Array("snot_allowed".utf8)))
        #expect(outcome.error.withLockedValue { $0 }?.code == .notAllowed)
        #expect(!channel.isActive)
    }

    @Test func aStalledPeerTimesOutAfterTheSetupTime() async throws {
        let outcome = Outcome()
        let channel = try await Self.makeChannel(
            machine: HandshakeStateMachine(connectingTo: Self.remote, configuration: Self.configuration(Self.local), challenge: 11),
            delegate: Delegate(), outcome: outcome)
        #expect(try await channel.readOutbound(as: ByteBuffer.self) != nil)  // send_name
        await channel.testingEventLoop.advanceTime(by: .seconds(6))
        #expect(channel.isActive)
        await channel.testingEventLoop.advanceTime(by: .seconds(1))
        #expect(outcome.error.withLockedValue { $0 }?.code == .handshakeTimeout)
        #expect(!channel.isActive)
    }

    @Test func theSetupTimerRestartsAtEachStep() async throws {
        let outcome = Outcome()
        let channel = try await Self.makeChannel(
            machine: HandshakeStateMachine(connectingTo: Self.remote, configuration: Self.configuration(Self.local), challenge: 11),
            delegate: Delegate(), outcome: outcome)
        var peer = HandshakeStateMachine(acceptingWith: Self.configuration(Self.remote), challenge: 12)
        let name = try #require(try await channel.readOutbound(as: ByteBuffer.self))
        guard case .checkSimultaneous = peer.received(name), case .write(let challenge) = peer.pendingResolved(.ok) else {
            Issue.record("peer did not answer"); return
        }
        await channel.testingEventLoop.advanceTime(by: .seconds(6))
        try await channel.writeInbound(challenge)  // a step: the reply goes out and the timer restarts
        await channel.testingEventLoop.advanceTime(by: .seconds(6))
        #expect(channel.isActive)
        await channel.testingEventLoop.advanceTime(by: .seconds(1))
        #expect(outcome.error.withLockedValue { $0 }?.code == .handshakeTimeout)
    }

    @Test func aPeerClosingMidwayFailsTheHandshake() async throws {
        let outcome = Outcome()
        let channel = try await Self.makeChannel(
            machine: HandshakeStateMachine(acceptingWith: Self.configuration(Self.local), challenge: 11),
            delegate: Delegate(), outcome: outcome)
        try await channel.writeInbound(ByteBuffer(bytes: [0, 20, UInt8(ascii: "N")]))
        try await channel.close()
        #expect(outcome.error.withLockedValue { $0 }?.code == .connectionClosed)
    }
}
