#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import ErlangRuntime

/// ``PollGate``: work that keeps re-queueing itself through the gate lets the loop read its
/// sockets between turns; through `execute` it does not (the reason the gate exists).
@Suite struct PollGateTests {
    static let steps = 200

    @Test func workThroughTheGateLetsTheLoopReadBetweenTurns() async throws {
        let step = try await Self.stepAtWhichAPendingReadArrives { loop, work in
            PollGate.of(loop)!.afterNextPoll(work)
        }
        #expect(step <= 2)
    }

    @Test func workThroughExecuteKeepsTheLoopFromReading() async throws {
        let step = try await Self.stepAtWhichAPendingReadArrives { loop, work in
            loop.assumeIsolated().execute(work)
        }
        // NIO runs tasks until none is left before it polls (SelectableEventLoop.run).
        #expect(step > Self.steps)
    }

    /// Makes a byte readable on a pipe the loop watches, then runs a chain of ``steps`` turns of
    /// work, each queueing the next with `queue`; returns the turn in which the loop had read the
    /// byte (``steps`` + 1 if only after the chain).
    static func stepAtWhichAPendingReadArrives(
        queue: @escaping @Sendable (any EventLoop, @escaping () -> Void) -> Void
    ) async throws -> Int {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let read = NIOLockedValueBox(false)
        var ends: [CInt] = [-1, -1]
        try #require(pipe(&ends) == 0)
        let writeEnd = ends[1]
        let channel = try await NIOPipeBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReadRecorder(read: read))
                }
            }
            .takingOwnershipOfDescriptor(input: ends[0]).get()
        let arrived = loop.makePromise(of: Int.self)
        loop.execute {
            var byte: UInt8 = 7
            _ = write(writeEnd, &byte, 1)
            var step = 0
            func next() {
                step += 1
                if read.withLockedValue({ $0 }) {
                    arrived.succeed(step)
                } else if step > steps {
                    queue(loop) { arrived.succeed(read.withLockedValue { $0 } ? step : step + 1) }
                } else {
                    queue(loop, next)
                }
            }
            next()
        }
        let step = try await arrived.futureResult.get()
        close(writeEnd)
        try? await channel.close()
        try await group.shutdownGracefully()
        return step
    }

    final class ReadRecorder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let read: NIOLockedValueBox<Bool>

        init(read: NIOLockedValueBox<Bool>) {
            self.read = read
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            read.withLockedValue { $0 = true }
        }
    }
}
