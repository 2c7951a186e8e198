import NIOCore

/// Runs tasks on one NIO event loop, so that a connection's consumer task and its channel handlers
/// share a thread: a message reaches the consumer without a wake-up of another thread, and a
/// reply written from there goes to the socket at once instead of being handed over to the loop.
final class EventLoopExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
