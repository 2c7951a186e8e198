import ErlangDistribution
import ErlangTerm

/// A Swift process on an ``ErlangNode``: a pid peers can send to, and its mailbox.
///
/// ```swift
/// let process = try node.spawnProcess()
/// try process.register(as: "echo")
/// for await message in process.mailbox { ... }
/// ```
///
/// The process lives until ``exit()`` or the node's shutdown; then its name and pid are free and
/// messages to it are dropped.
public final class ErlangProcess: Sendable, CustomStringConvertible {
    /// The process's pid.
    public let pid: PID
    /// Its messages, in arrival order.
    public let mailbox: Mailbox
    /// The node it runs on.
    public let node: ErlangNode

    init(pid: PID, mailbox: Mailbox, node: ErlangNode) {
        self.pid = pid
        self.mailbox = mailbox
        self.node = node
    }

    /// Takes the first message that `matches`, waiting at most `timeout` (see ``Mailbox/receive(matching:timeout:)``).
    public func receive(
        matching matches: @escaping @Sendable (Term) -> Bool = { _ in true },
        timeout: Duration? = nil
    ) async -> Term? {
        await mailbox.receive(matching: matches, timeout: timeout)
    }

    /// `Pid ! Message`: sends to a process of this node or another, connecting first when needed.
    /// Messages from one process to another arrive in the order sent when each send is awaited.
    ///
    /// - Throws: ``ErlangNodeError`` when the peer node cannot be reached.
    public func send(_ message: Term, to pid: PID) async throws {
        try await node.send(message, from: self.pid, to: pid)
    }

    /// `erlang:send(Pid, Message, [nosuspend, noconnect])`: sends without waiting, for code that
    /// cannot `await`, such as a mailbox handler (``Mailbox/handle(_:)``). A message to a pid of
    /// this node is delivered; one to another node's pid is queued on the existing connection to
    /// it, in order with this process's other sends there.
    ///
    /// - Returns: ``TrySendResult/ok``; ``TrySendResult/noconnect`` when there is no connection to
    ///   the pid's node (`send(_:to:)` connects first); ``TrySendResult/nosuspend`` when the
    ///   connection's send window is full, where `send(_:to:)` would wait. Nothing is sent
    ///   in those two cases.
    @discardableResult
    public func trySend(_ message: Term, to pid: PID) -> TrySendResult {
        node.trySend(message, from: self.pid, to: pid)
    }

    /// `Name ! Message` for a name registered on this node; dropped when nobody has the name.
    public func send(_ message: Term, to name: Atom) {
        node.deliver(message, toName: name)
    }

    /// `{Name, Node} ! Message`, connecting first when needed; dropped at the peer when nobody
    /// has the name there.
    ///
    /// - Throws: ``ErlangNodeError`` when the peer node cannot be reached.
    public func send(_ message: Term, to name: Atom, at node: NodeName) async throws {
        try await self.node.send(message, from: pid, to: name, at: node)
    }

    /// `process_info(self(), registered_name)`: the name this process is registered under.
    public var registeredName: Atom? { node.state.withLockedValue { $0.processes.name(of: pid) } }

    /// `register(Name, self())`.
    ///
    /// - Throws: ``ErlangNodeError`` when the name is taken or this process already has one.
    public func register(as name: Atom) throws {
        try node.register(name, pid)
    }

    /// Ends the process with `reason` (`normal` by default): its registered name goes, its
    /// mailbox ends, messages to it are dropped, and its monitors fire with `reason`.
    public func exit(_ reason: Term = .atom("normal")) {
        node.remove(pid, reason: reason)
    }

    /// `erlang:monitor(process, Pid)`: a DOWN `{'DOWN', Ref, process, Pid, Reason}` comes to this
    /// process when `pid` exits, does not exist (`noproc`) or its node's connection goes (`noconnection`).
    ///
    /// - Throws: ``ErlangNodeError`` when sending the monitor fails.
    public func monitor(_ pid: PID) async throws -> Reference {
        let node = try NodeName(pid.node.name)
        return try await self.node.monitor(.pid(pid), at: node, from: self.pid)
    }

    /// `erlang:monitor(process, Pid)` on each of `pids`, in order: as many calls of
    /// ``monitor(_:)-(PID)``, but the monitors on this node's processes are set up in one batch
    /// (one lock for all, where a `pg` scope monitors the 10,000 members of one join).
    ///
    /// - Returns: the references, in the order of `pids`.
    /// - Throws: ``ErlangNodeError`` when sending a monitor to another node fails.
    public func monitor(_ pids: [PID]) async throws -> [Reference] {
        let here = node.atom
        guard pids.contains(where: { $0.node != here }) else { return node.monitorLocal(pids, from: pid) }
        var references: [Reference] = []
        references.reserveCapacity(pids.count)
        for target in pids { references.append(try await monitor(target)) }
        return references
    }

    /// `erlang:monitor(process, {Name, Node})`: the DOWN names the target `{Name, Node}`.
    public func monitor(_ name: Atom, at node: NodeName) async throws -> Reference {
        try await self.node.monitor(.name(name), at: node, from: pid)
    }

    /// `erlang:demonitor(Ref)`.
    public func demonitor(_ reference: Reference) async {
        await node.demonitor(reference)
    }

    /// Whether the process is alive.
    public var isAlive: Bool { node.isAlive(pid) }

    /// `group_leader()`: the process's group leader, where BEAM sends its I/O requests. A Swift
    /// process does no I/O through it and starts without one (nil), since no Erlang parent
    /// spawned it; a peer's `group_leader(GL, Pid)` (`GROUP_LEADER`) or ``setGroupLeader(_:)``
    /// sets it. Nil once the process has exited.
    public var groupLeader: PID? { node.groupLeader(of: pid) }

    /// `group_leader(Leader, self())`.
    public func setGroupLeader(_ leader: PID) {
        _ = node.setGroupLeader(leader, of: pid)
    }

    /// The pid.
    public var description: String { "ErlangProcess(\(pid))" }
}

extension ErlangNode {
    /// Starts a process: a fresh pid (never one in use) and an empty mailbox.
    ///
    /// - Throws: ``ErlangNodeError`` after shutdown.
    public func spawnProcess() throws -> ErlangProcess {
        let spawned = state.withLockedValue { state -> (PID, Mailbox)? in
            guard !state.isShutDown else { return nil }
            return state.processes.spawn()
        }
        guard let (pid, mailbox) = spawned else { throw ErlangNodeError(.shutDown, "the node \(name) has shut down") }
        return ErlangProcess(pid: pid, mailbox: mailbox, node: self)
    }

    /// `register/2` for a process of this node.
    ///
    /// - Throws: ``ErlangNodeError`` when the name is taken, the process has a name, or is not alive.
    public func register(_ name: Atom, _ pid: PID) throws {
        let done = state.withLockedValue { $0.processes.register(name, pid) }
        guard done else { throw ErlangNodeError(.nameInUse, "cannot register \(pid) as \(name): taken, already named, or not alive") }
    }

    /// `unregister/1`; false when the name was not registered.
    @discardableResult
    public func unregister(_ name: Atom) -> Bool {
        state.withLockedValue { $0.processes.unregister(name) }
    }

    /// `whereis/1`.
    public func whereis(_ name: Atom) -> PID? {
        state.withLockedValue { $0.processes.whereis(name) }
    }

    /// The group leader of a live process of this node; nil when none was set or it is not alive.
    public func groupLeader(of pid: PID) -> PID? {
        state.withLockedValue { $0.processes.groupLeader(of: pid) }
    }

    /// `group_leader/2` for a process of this node; false when it is not alive.
    @discardableResult
    public func setGroupLeader(_ leader: PID, of pid: PID) -> Bool {
        state.withLockedValue { $0.processes.setGroupLeader(leader, of: pid) }
    }

    /// Whether `pid` is a live process of this node.
    public func isAlive(_ pid: PID) -> Bool {
        state.withLockedValue { $0.processes.isAlive(pid) }
    }

    func remove(_ pid: PID, reason: Term) {
        let (mailbox, fired, held, linked) = state.withLockedValue { state in
            let mailbox = state.processes.remove(pid)
            let (fired, held) = state.monitors.processExited(pid)
            return (mailbox, fired, held, state.links.processExited(pid))
        }
        guard let mailbox else { return }
        mailbox.close()
        guard !fired.isEmpty || !held.isEmpty || !linked.isEmpty else { return }
        Task {
            await propagateExit(of: pid, to: linked, reason: reason)
            await fire(fired, held: held, reason: reason)
        }
    }

    /// Delivers to a local pid; dropped for dead pids and pids of another creation
    /// (distribution.md 4.6: BEAM forwards those, a correct node drops them).
    func deliver(_ message: Term, to pid: PID) {
        state.withLockedValue { $0.processes.mailbox(of: pid) }?.deliver(message)
    }

    /// Delivers to a local registered name; dropped when nobody has it, as BEAM drops it.
    func deliver(_ message: Term, toName name: Atom) {
        let mailbox = state.withLockedValue { state in
            state.processes.whereis(name).flatMap { state.processes.mailbox(of: $0) }
        }
        mailbox?.deliver(message)
    }
}

/// What ``ErlangProcess/trySend(_:to:)`` did, named as `erlang:send/3` answers with
/// `[nosuspend, noconnect]`.
public enum TrySendResult: Sendable, Hashable {
    /// Delivered, or queued for the socket.
    case ok
    /// Not sent: no connection to the destination's node.
    case noconnect
    /// Not sent: the connection's send window is full.
    case nosuspend
}
