import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import Logging
import NIOConcurrencyHelpers

/// The shell of `global_name_server`: a process registered under that name whose messages, node
/// events and helper results go one at a time through ``GlobalState/step(_:)``; it carries out
/// the actions that come back. Sends to each node go through a queue of their own, in order,
/// so a slow connection setup never holds the server up.
final class GlobalServer: Sendable {
    let node: ErlangNode
    let process: ErlangProcess
    let logger: Logger
    let state: NIOLockedValueBox<GlobalState>
    private let lockerBox = NIOLockedValueBox<GlobalLocker?>(nil)
    private let inputs: AsyncStream<GlobalInput>.Continuation
    private let stream: AsyncStream<GlobalInput>
    private let queues = NIOLockedValueBox<[Atom: AsyncStream<Outbound>.Continuation]>([:])
    private let waiters = NIOLockedValueBox<[Int: CheckedContinuation<Void, Never>]>([:])
    private let nextSyncID = NIOLockedValueBox(1)
    private let visible = NIOLockedValueBox<Set<Atom>>([])
    /// Swift resolvers of names registered here, by name.
    let resolvers = NIOLockedValueBox<[Term: (pid: PID, resolve: GlobalResolve)]>([:])
    /// Registrations and unregistrations run one at a time.
    let registrar = SerialGate()

    private enum Outbound: Sendable {
        case send(Term)
        case sendIfConnected(Term)
        case reply(Term, from: PID, tag: Term)
        case monitor(PID)
    }

    private init(node: ErlangNode, process: ErlangProcess, state: GlobalState) {
        self.node = node
        self.process = process
        self.logger = node.configuration.logger
        self.state = NIOLockedValueBox(state)
        (stream, inputs) = AsyncStream.makeStream(of: GlobalInput.self)
    }

    /// Registers `global_name_server`, starts the locker and the loops.
    static func start(on node: ErlangNode) throws -> GlobalServer {
        let events = node.events()
        let process = try node.spawnProcess()
        try process.register(as: globalNameServer)
        let lockerProcess = try node.spawnProcess()
        let creation = Term.integer(Int.random(in: 0..<(1 << 58)) + Int(node.creation))
        var state = GlobalState(node: node.name.atom, creation: creation, firstTag: Int.random(in: -(1 << 58) ..< -(1 << 57)))
        state.locker = lockerProcess.pid
        let server = GlobalServer(node: node, process: process, state: state)
        let locker = GlobalLocker(process: lockerProcess, server: server)
        server.lockerBox.withLockedValue { $0 = locker }
        Task { await locker.run() }
        Task { await server.forwardMailbox() }
        Task { await server.forwardEvents(events) }
        Task { await server.loop() }
        server.serveResolveIt()
        for peer in node.nodes() { server.nodeUp(peer.atom) }
        return server
    }

    /// Feeds one input to the server.
    func input(_ input: GlobalInput) {
        inputs.yield(input)
    }

    private func forwardMailbox() async {
        for await message in process.mailbox { inputs.yield(.message(GlobalMessage(message))) }
        inputs.finish()
    }

    private func forwardEvents(_ events: AsyncStream<ErlangNode.Event>) async {
        for await event in events {
            switch event {
            case .nodeUp(let peer, hidden: false):
                nodeUp(peer.atom)
            case .nodeUp:
                break
            case .nodeDown(let peer, _):
                // Only visible nodes count (`net_kernel:monitor_nodes/2` without `node_type`).
                if visible.withLockedValue({ $0.remove(peer.atom) }) != nil { inputs.yield(.nodeDown(peer.atom)) }
            }
        }
    }

    private func nodeUp(_ peer: Atom) {
        if visible.withLockedValue({ $0.insert(peer).inserted }) { inputs.yield(.nodeUp(peer)) }
    }

    private func loop() async {
        for await input in stream {
            let actions = state.withLockedValue { $0.step(input) }
            for action in actions { await perform(action) }
        }
        lockerBox.withLockedValue { $0 }?.inbox.close()
        for queue in queues.withLockedValue({ $0.values }) { queue.finish() }
        let pending = waiters.withLockedValue { waiters in
            defer { waiters = [:] }
            return Array(waiters.values)
        }
        for waiter in pending { waiter.resume() }
    }

    private func perform(_ action: GlobalAction) async {
        switch action {
        case .send(let cast):
            enqueue(.send(cast.message), to: cast.node)
        case .sendIfConnected(let cast):
            if node.nodes().contains(where: { $0.atom == cast.node }) { enqueue(.sendIfConnected(cast.message), to: cast.node) }
        case .reply(let reply, let from, let tag):
            if from.node == node.name.atom {
                try? await process.reply(reply, to: from, tag: tag)
            } else {
                enqueue(.reply(reply, from: from, tag: tag), to: from.node)
            }
        case .locker(let message):
            lockerBox.withLockedValue { $0 }?.inbox.deliver(message)
        case .resolve(let peer, let myTag, let names):
            Task { await resolve(peer, myTag: myTag, names: names) }
        case .monitor(let pid):
            if pid.node == node.name.atom { _ = try? await process.monitor(pid) } else { enqueue(.monitor(pid), to: pid.node) }
        case .syncOther(let peer):
            Task { await syncOther(peer) }
        case .disconnect(let peer):
            // Inline, so that nothing queued later for the node goes out on the old connection.
            guard let name = try? NodeName(peer.name) else { return }
            await node.disconnect(name)
        case .syncDone(let id):
            waiters.withLockedValue { $0.removeValue(forKey: id) }?.resume()
        case .log(let level, let text):
            logger.log(level: level, "\(text)")
        }
    }

    /// Sends `message` to `{global_name_server, peer}` from `sender`, connecting if needed.
    func send(_ message: Term, to peer: Atom, from sender: ErlangProcess) async {
        guard let name = try? NodeName(peer.name) else { return }
        if !node.nodes().contains(name) {
            logger.debug("global: sending to an unconnected node connects it", metadata: ["peer": "\(peer)", "message": "\(message)"])
        }
        do {
            try await sender.send(message, to: globalNameServer, at: name)
        } catch {
            logger.debug("global: cannot send", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    private func enqueue(_ item: Outbound, to peer: Atom) {
        let queue = queues.withLockedValue { queues -> AsyncStream<Outbound>.Continuation in
            if let queue = queues[peer] { return queue }
            let (stream, continuation) = AsyncStream.makeStream(of: Outbound.self)
            queues[peer] = continuation
            Task { await self.drain(stream, to: peer) }
            return continuation
        }
        queue.yield(item)
    }

    private func drain(_ stream: AsyncStream<Outbound>, to peer: Atom) async {
        for await item in stream {
            switch item {
            case .send(let message):
                await send(message, to: peer, from: process)
            case .sendIfConnected(let message):
                guard let name = try? NodeName(peer.name) else { continue }
                await process.sendIfConnected(message, to: globalNameServer, at: name)
            case .reply(let reply, let from, let tag):
                logger.debug("global: reply", metadata: ["peer": "\(peer)", "reply": "\(reply)", "connected": "\(node.nodes().contains { $0.atom == peer })"])
                do { try await process.reply(reply, to: from, tag: tag) } catch {
                    logger.debug("global: cannot reply", metadata: ["peer": "\(peer)", "error": "\(error)"])
                }
            case .monitor(let pid):
                logger.debug("global: monitor", metadata: ["pid": "\(pid)", "connected": "\(node.nodes().contains { $0.atom == peer })"])
                do { _ = try await process.monitor(pid) } catch {
                    // Cannot watch it: treat it as gone, as a noconnection DOWN would.
                    inputs.yield(.message(.down(pid: pid)))
                }
            }
        }
    }

    /// `sync_other/2`: connect, then `in_sync`; a failed connect is an `extra_nodedown`.
    private func syncOther(_ peer: Atom) async {
        do {
            let name = try NodeName(peer.name)
            try await node.connect(to: name)
            enqueue(.send(GlobalOutgoing.inSync(node: node.name.atom)), to: peer)
        } catch {
            logger.warning("'global' at \(node.name) failed to connect to \(peer)")
            inputs.yield(.extraNodeDown(peer))
        }
    }

    /// A resolver (`resolver/2`): settle conflicts, then `exchange_ops`.
    private func resolve(_ peer: Atom, myTag: Int, names: [GlobalName]) async {
        let ours = state.withLockedValue { $0.names }
        let items = GlobalResolution.items(theirs: names, from: peer, me: node.name.atom, ours: ours)
        var outcomes: [GlobalResolution.Outcome] = []
        for case .conflict(let theirs, let existing) in items {
            outcomes.append(await resolveConflict(theirs: theirs, ours: existing))
        }
        let (operations, resolved) = GlobalResolution.operations(items, outcomes: outcomes)
        inputs.yield(.exchangeOperations(node: peer, myTag: myTag, operations: operations, resolved: resolved))
    }

    /// `rpc:call(node(Pid2), global, resolve_it, [Method2, Name, Pid, Pid2])`: here for this
    /// node's processes, through the peer's `rex` otherwise.
    private func resolveConflict(theirs: GlobalName, ours: GlobalName) async -> GlobalResolution.Outcome {
        guard let caller = try? node.spawnProcess() else { return .failed }
        defer { caller.exit() }
        if ours.pid.node == node.name.atom {
            return await resolveHere(method: ours.method, name: ours.name, theirs.pid, ours.pid, from: caller)
        }
        guard let peer = try? NodeName(ours.pid.node.name) else { return .failed }
        let request = GlobalOutgoing.resolveIt(method: ours.method, name: ours.name, pid: theirs.pid, pid2: ours.pid)
        switch await GlobalMultiCall.call(caller, "rex", at: peer, request) {
        case .pid(let pid)?: return .keep(pid)
        case .atom("none")?: return .none
        case .tuple(let elements)? where elements.first == .atom("badrpc"): return .failed
        case nil: return .failed
        default: return .other
        }
    }

    /// `global:resolve_it/4` on this node: the Swift resolver registered with the name here, else
    /// the standard method the fun names.
    func resolveHere(method: Term, name: Term, _ pid1: PID, _ pid2: PID, from process: ErlangProcess) async -> GlobalResolution.Outcome {
        let swift = resolvers.withLockedValue { $0[name] }
        let local = swift.flatMap { $0.pid == pid1 || $0.pid == pid2 ? $0.resolve : nil }
        guard let resolve = local ?? GlobalResolution.standardMethod(method) else {
            logger.info("global: cannot run the resolve method \(method) for \(name) here")
            return .failed
        }
        logger.info("global: Name conflict over \(name)")
        return await resolve.resolve(name, pid1, pid2, from: process)
    }

    /// Serves `global:resolve_it/4` to `rpc:call/4` from peers that resolve a conflict over a
    /// name whose process lives here (`exchange_names/4`).
    func serveResolveIt() {
        node.registerFunction("global", "resolve_it", arity: 4) { [self] arguments, process in
            guard arguments.count == 4, case .pid(let pid1) = arguments[2], case .pid(let pid2) = arguments[3] else {
                throw ErlangException(.error, .atom("badarg"))
            }
            switch await resolveHere(method: arguments[0], name: arguments[1], pid1, pid2, from: process) {
            case .keep(let pid): return .pid(pid)
            case .none: return .atom("none")
            case .failed, .other: throw ErlangException(.error, .atom("undef"))
            }
        }
    }

    /// A local `sync`: waits until in sync with `nodes` (or they are down).
    func sync(_ nodes: [Atom]) async {
        let id = nextSyncID.withLockedValue { id in
            defer { id += 1 }
            return id
        }
        await withCheckedContinuation { continuation in
            waiters.withLockedValue { $0[id] = continuation }
            if case .terminated = inputs.yield(.sync(id: id, nodes: nodes)) {
                // The server has stopped (node shutdown): nothing to wait for.
                waiters.withLockedValue { $0.removeValue(forKey: id) }?.resume()
            }
        }
    }

    /// `can_set_lock/1` on this node's table.
    func canSetLock(_ id: GlobalLockID) -> Bool {
        state.withLockedValue { state in
            guard let lock = state.locks[id.resource] else { return true }
            return lock.requester == id.requester
        }
    }

    /// `is_global_lock_set/0`.
    var isGlobalLockSet: Bool {
        state.withLockedValue { $0.locks[GlobalState.globalResource] != nil }
    }
}
