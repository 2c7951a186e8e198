import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import Logging
import NIOConcurrencyHelpers

/// A `pg` scope (OTP 23+, `kernel/src/pg.erl`) on an ``ErlangRuntime/ErlangNode``: a process
/// registered under the scope's name that shares group membership with the same scope on every
/// peer node, BEAM or Swift.
///
/// ```swift
/// let pg = try await ProcessGroups.start(on: node)          // scope `pg`
/// let worker = try node.spawnProcess()
/// try pg.join(.atom("workers"), worker.pid)
/// pg.members(.atom("workers"))                              // every node's members
/// for await change in pg.monitorScope().changes { ... }    // joins and leaves
/// ```
///
/// The scope is a pure instance driven by this shell: local calls and the scope process's
/// messages change it under a lock, and the directives it returns go out in order on one task
/// at a time, so peers see joins and leaves in the order they happened.
public final class ProcessGroups: Sendable {
    typealias Directive = ProcessGroupsInstance.Directive

    /// The scope's name; also the scope process's registered name.
    public let scope: Atom
    /// The node the scope runs on.
    public let node: ErlangNode
    /// The scope process's pid, the pid peers know this scope by.
    public var pid: PID { process.pid }

    let process: ErlangProcess
    let logger: Logger
    let state: NIOLockedValueBox<ShellState>

    /// The instance and what the shell keeps beside it.
    struct ShellState {
        var instance: ProcessGroupsInstance
        var subscribers: [ProcessGroupsInstance.SubscriberID: AsyncStream<MembershipChange>.Continuation] = [:]
        /// The scope process's monitors, by pid (``PIDKey`` hashes no node name: 10,000 members a join).
        var monitors: [PIDKey: Reference] = [:]
        var rediscovering: Set<Atom> = []
        /// Directives not yet carried out, in order.
        var pending: [Directive] = []
        /// Whether a task is carrying out `pending`.
        var draining = false
    }

    private init(scope: Atom, node: ErlangNode, process: ErlangProcess) {
        self.scope = scope
        self.node = node
        self.process = process
        self.logger = node.configuration.logger
        self.state = NIOLockedValueBox(ShellState(instance: ProcessGroupsInstance(scope: scope, me: process.pid)))
    }

    /// `pg:start(Scope)`: starts the scope on `node`, registered as `scope`, and discovers the
    /// scope on every visible node already connected (`init/1`).
    ///
    /// - Throws: ``ProcessGroupsError`` (`startFailed`) when the name is taken or the node is down.
    public static func start(on node: ErlangNode, scope: Atom = "pg") async throws -> ProcessGroups {
        let process: ErlangProcess
        do {
            process = try node.spawnProcess()
        } catch {
            throw ProcessGroupsError(.startFailed, "cannot start scope \(scope): \(error)")
        }
        do {
            try process.register(as: scope)
        } catch {
            process.exit()
            throw ProcessGroupsError(.startFailed, "cannot register scope \(scope): \(error)")
        }
        let groups = ProcessGroups(scope: scope, node: node, process: process)
        groups.run(events: node.events())
        groups.perform { $0.started(visibleNodes: node.nodes().map(\.atom)) }
        return groups
    }

    /// A `Configuration.services` entry that starts the scope with the node, before the node
    /// serves its first connection (as the kernel starts `pg`); `started` receives the scope.
    public static func service(
        scope: Atom = "pg", started: @escaping @Sendable (ProcessGroups) -> Void = { _ in }
    ) -> ErlangNode.Configuration.StartService {
        { node in started(try await start(on: node, scope: scope)) }
    }

    /// Stops the scope: its process exits, peers drop its members (they see its DOWN), and every
    /// subscription ends.
    public func stop() {
        process.exit()
    }

    /// Whether the scope process runs.
    public var isRunning: Bool { process.isAlive }

    /// Applies a change to the instance under the lock: subscribers are told at once, the other
    /// directives queue, in order, for the one task that carries them out (started when idle).
    @discardableResult
    func perform<Result>(_ body: (inout ProcessGroupsInstance) -> (Result, [Directive])) -> Result {
        let (result, startDraining) = state.withLockedValue { shell -> (Result, Bool) in
            let (result, directives) = body(&shell.instance)
            if shell.subscribers.isEmpty {
                // No subscriber, so no notify to take out (`execute` skips one): the directives
                // queue as they are, uncopied when nothing is queued.
                if shell.pending.isEmpty { shell.pending = directives } else { shell.pending += directives }
            } else {
                for directive in directives {
                    if case .notify(let id, let change) = directive {
                        shell.subscribers[id]?.yield(change)
                    } else {
                        shell.pending.append(directive)
                    }
                }
            }
            guard !shell.draining, !shell.pending.isEmpty else { return (result, false) }
            shell.draining = true
            return (result, true)
        }
        if startDraining { Task { await drain() } }
        return result
    }

    /// Carries out the queued directives batch by batch until none is left.
    private func drain() async {
        while true {
            let batch = state.withLockedValue { shell -> [Directive]? in
                guard !shell.pending.isEmpty else {
                    shell.draining = false
                    return nil
                }
                defer { shell.pending = [] }
                return shell.pending
            }
            guard let batch else { return }
            var localMonitors: [PID] = []
            let (messages, others) = Outbox.split(batch)
            for directive in messages { await execute(directive) }
            for directive in others {
                // Adjacent monitors of this node's processes (a batch join's members) start together.
                if case .monitor(let pid) = directive, PIDKey.sameAtom(pid.node, process.pid.node) {
                    localMonitors.append(pid)
                    continue
                }
                await startMonitors(localMonitors)
                localMonitors = []
                await execute(directive)
            }
            await startMonitors(localMonitors)
        }
    }

    func perform(_ body: (inout ProcessGroupsInstance) -> [Directive]) {
        perform { instance -> ((), [Directive]) in ((), body(&instance)) }
    }

    /// The scope's two tasks: its mailbox and node ups.
    private func run(events: AsyncStream<ErlangNode.Event>) {
        Task { [self] in
            for await message in process.mailbox { receive(message) }
            finish()
        }
        Task { [self] in
            for await event in events {
                if case .nodeUp(let peer, let hidden) = event { perform { $0.nodeUp(peer.atom, hidden: hidden) } }
            }
        }
    }

    private func finish() {
        let subscribers = state.withLockedValue { shell in
            defer { shell.subscribers = [:] }
            return Array(shell.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
