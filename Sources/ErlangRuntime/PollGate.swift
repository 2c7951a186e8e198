#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Runs work on an event loop after the loop's next poll of its sockets: how a writer that still
/// has work hands the loop back to the reads of every other connection on it.
///
/// A NIO `SelectableEventLoop` runs its queued tasks, and the scheduled tasks that fall due while
/// it does, until none is left, and only then polls its sockets again (`SelectableEventLoop.run`,
/// "We need to ensure we process all tasks, even if a task added another task again"). A writer
/// that re-queues itself while its peer keeps taking bytes, or re-schedules itself sooner than its
/// last batch took, keeps that loop away from its sockets for as long as it has work: every other
/// connection on the loop reads nothing, so its peer's ticks go unread and the connection is
/// dropped after `net_ticktime` although the peer is alive (the 4 s tick test showed it beside a
/// 100,000-message flood on a two-core machine). BEAM's schedulers check I/O between reductions,
/// so an Erlang sender cannot do that to other connections.
///
/// The gate is the read end of a pipe registered on the loop. ``afterNextPoll(_:)`` queues the
/// work and writes one byte to the pipe (once until it is read); the byte makes the pipe readable,
/// the loop sees that in its next poll, together with every socket that is ready, and runs the
/// queued work while it handles the pipe's read. So each turn of queued work waits for one poll.
final class PollGate: Sendable {
    private struct State {
        var work: [() -> Void] = []
        var signalled = false
        var channel: (any Channel)?
        var closed = false
    }

    let eventLoop: any EventLoop
    private let state: NIOLoopBoundBox<State>

    private init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.state = NIOLoopBoundBox(State(), eventLoop: eventLoop)
    }

    private static let gates = NIOLockedValueBox<[ObjectIdentifier: PollGate]>([:])

    /// The gate of `eventLoop`, made on first use; nil for a loop that cannot own a pipe (an
    /// `EmbeddedEventLoop`, say), where work goes through `execute` instead.
    static func of(_ eventLoop: any EventLoop) -> PollGate? {
        let key = ObjectIdentifier(eventLoop)
        let (gate, made) = gates.withLockedValue { gates -> (PollGate?, Bool) in
            if let gate = gates[key] { return (gate, false) }
            guard NIOPipeBootstrap(validatingGroup: eventLoop) != nil else { return (nil, false) }
            let gate = PollGate(eventLoop: eventLoop)
            gates[key] = gate
            return (gate, true)
        }
        if made, let gate { gate.open() }
        return gate
    }

    /// Makes the pipe and registers its read end on the loop; until that is done, work waits
    /// (and on failure it goes through `execute`).
    private func open() {
        var ends: [CInt] = [-1, -1]
        guard let bootstrap = NIOPipeBootstrap(validatingGroup: eventLoop), pipe(&ends) == 0 else {
            failed()
            return
        }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        // Subprocesses (the erl nodes a test starts) must not inherit the pipe.
        for end in [readEnd, writeEnd] { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        bootstrap
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Reader(gate: self))
                }
            }
            .takingOwnershipOfDescriptors(input: readEnd, output: writeEnd)
            .whenFailure { [self] _ in
                close(readEnd)
                close(writeEnd)
                failed()
            }
    }

    private func failed() {
        let key = ObjectIdentifier(eventLoop)
        Self.gates.withLockedValue { if $0[key] === self { $0[key] = nil } }
        eventLoop.execute { self.closed() }
    }

    /// Runs `work` on the loop after its next poll. Call on the loop.
    func afterNextPoll(_ work: @escaping () -> Void) {
        eventLoop.preconditionInEventLoop()
        guard !state.value.closed else {
            eventLoop.assumeIsolated().execute(work)
            return
        }
        state.value.work.append(work)
        signal()
    }

    private func signal() {
        guard !state.value.signalled, let channel = state.value.channel else { return }
        state.value.signalled = true
        channel.writeAndFlush(ByteBuffer(bytes: [1]), promise: nil)
    }

    private func attached(_ channel: any Channel) {
        state.value.channel = channel
        if !state.value.work.isEmpty { signal() }
    }

    private func polled() {
        state.value.signalled = false
        let work = state.value.work
        state.value.work.removeAll(keepingCapacity: true)
        for item in work { item() }
    }

    private func closed() {
        state.value.closed = true
        state.value.channel = nil
        let work = state.value.work
        state.value.work = []
        for item in work { eventLoop.assumeIsolated().execute(item) }
    }

    /// The pipe's handler: a read is the poll that was waited for.
    private final class Reader: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let gate: PollGate

        init(gate: PollGate) {
            self.gate = gate
        }

        func channelActive(context: ChannelHandlerContext) {
            gate.attached(context.channel)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

        func channelReadComplete(context: ChannelHandlerContext) {
            gate.polled()
        }

        func channelInactive(context: ChannelHandlerContext) {
            gate.failed()
        }
    }
}
