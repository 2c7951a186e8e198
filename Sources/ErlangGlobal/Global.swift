import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import NIOConcurrencyHelpers

/// `global` for an ``ErlangNode``: the cluster-wide name service and locks of OTP's `global`
/// module, speaking its protocol (version 8, as OTP 25 runs it) with every visible peer.
///
/// ```swift
/// let global = Global()
/// let node = try await ErlangNode.start(.init(name: .long("swift@127.0.0.1"), services: [global.service]))
/// try await node.connect(to: try NodeName("erl@127.0.0.1"))
/// try await global.sync()
/// _ = try await global.registerName(.atom("printer"), process.pid)
/// let pid = global.whereisName(.atom("logger"))
/// ```
///
/// Add ``service`` to the node's `services` so that `global_name_server` runs before the first
/// connection is served, as the kernel starts `global`. A hidden node does not run it.
public final class Global: Sendable {
    private let box = NIOLockedValueBox<GlobalServer?>(nil)

    /// Creates an instance; it works once started on a node.
    public init() {}

    /// The service that starts `global` with the node (see `ErlangNode.Configuration.services`).
    public var service: ErlangNode.Configuration.StartService {
        { [self] node in try await start(on: node) }
    }

    /// Starts `global` on `node` (nothing on a hidden node).
    ///
    /// - Throws: ``GlobalError`` when it already runs, or the node cannot register
    ///   `global_name_server`.
    public func start(on node: ErlangNode) async throws {
        guard !node.configuration.hidden else { return }
        guard box.withLockedValue({ $0 }) == nil else { throw GlobalError(.alreadyStarted, "global already runs on \(node.name)") }
        let server: GlobalServer
        do { server = try GlobalServer.start(on: node) } catch {
            throw GlobalError(.notRunning, "cannot start global_name_server: \(error)")
        }
        box.withLockedValue { $0 = server }
    }

    private func running() throws -> GlobalServer {
        guard let server = box.withLockedValue({ $0 }) else { throw GlobalError(.notRunning, "global does not run (hidden node, or not started)") }
        return server
    }

    /// Whether `global` runs.
    public var isRunning: Bool { box.withLockedValue { $0 } != nil }

    /// `global:whereis_name/1`: the process registered under `name`, from this node's table.
    public func whereisName(_ name: Term) -> PID? {
        box.withLockedValue { $0 }?.state.withLockedValue { $0.names[name]?.pid }
    }

    /// `global:registered_names/0`.
    public func registeredNames() -> [Term] {
        (box.withLockedValue { $0 }?.state.withLockedValue { Array($0.names.keys) } ?? []).sorted { Term.compare($0, $1) < 0 }
    }

    /// `global:register_name/3`: registers `pid` under `name` on every node of the cluster under
    /// global's own lock; false when the name is taken or `pid` already has a global name.
    /// `resolve` settles a conflict with a name registered in a partition that joins later.
    public func registerName(_ name: Term, _ pid: PID, resolve: GlobalResolve = .randomExit) async throws -> Bool {
        let server = try running()
        return try await server.transactionOnKnownNodes { locking, nodes in
            let free = server.state.withLockedValue { state in
                state.names[name] == nil && !state.names.values.contains { $0.pid == pid }
            }
            guard free else { return false }
            let current = server.state.withLockedValue { $0.names }
            server.resolvers.withLockedValue { resolvers in
                // Resolvers of names gone meanwhile (their process died, a conflict) go too.
                resolvers = resolvers.filter { current[$0.key]?.pid == $0.value.pid }
                resolvers[name] = (pid, resolve)
            }
            let request = GlobalOutgoing.register(name, pid, method: resolve.method)
            _ = await GlobalMultiCall.call(locking.process, globalNameServer, on: nodes, request)
            return true
        }
    }

    /// `global:unregister_name/1`.
    public func unregisterName(_ name: Term) async throws {
        let server = try running()
        guard whereisName(name) != nil else { return }
        _ = try await server.transactionOnKnownNodes { locking, nodes in
            _ = await GlobalMultiCall.call(locking.process, globalNameServer, on: nodes, GlobalOutgoing.unregister(name))
            server.resolvers.withLockedValue { _ = $0.removeValue(forKey: name) }
            return true
        }
    }

    /// `global:send/2`: sends `message` from `process` to the process registered under `name`
    /// and returns its pid.
    ///
    /// - Throws: ``GlobalError`` (`unknownName`) when nobody has the name, or the send's error.
    @discardableResult
    public func send(_ message: Term, toName name: Term, from process: ErlangProcess) async throws -> PID {
        guard let pid = whereisName(name) else { throw GlobalError(.unknownName, "no process is registered as \(name)") }
        try await process.send(message, to: pid)
        return pid
    }

    /// `global:set_lock/3`: takes the lock `id` on `nodes` (default: this node and every visible
    /// node, as `[node() | nodes()]`) for `holder`, retrying `retries` times (nil: until it
    /// succeeds). The lock goes when `holder` exits or ``deleteLock(_:nodes:holder:)`` runs.
    public func setLock(_ id: GlobalLockID, nodes: [NodeName]? = nil, retries: Int? = nil, holder: ErlangProcess) async throws -> Bool {
        let server = try running()
        let locking = GlobalLocking(process: holder, server: server)
        return await locking.setLock(id, lockNodes(nodes, server), retries: retries)
    }

    /// `global:del_lock/2`.
    public func deleteLock(_ id: GlobalLockID, nodes: [NodeName]? = nil, holder: ErlangProcess) async throws {
        let server = try running()
        await GlobalLocking(process: holder, server: server).deleteLock(id, lockNodes(nodes, server))
    }

    /// `global:trans/4`: runs `body` while holding the lock `id` on `nodes`; nil (`aborted`) when
    /// the lock was not had within `retries` attempts.
    public func transaction<T: Sendable>(
        _ id: GlobalLockID, nodes: [NodeName]? = nil, retries: Int? = nil, _ body: @Sendable () async throws -> T
    ) async throws -> T? {
        let server = try running()
        let holder = try server.node.spawnProcess()
        defer { holder.exit() }
        let locking = GlobalLocking(process: holder, server: server)
        let targets = lockNodes(nodes, server)
        guard await locking.setLock(id, targets, retries: retries) else { return nil }
        do {
            let result = try await body()
            await locking.deleteLock(id, targets)
            return result
        } catch {
            await locking.deleteLock(id, targets)
            throw error
        }
    }

    /// `global:sync/0`: returns once this node is in sync with every visible node (or they are down).
    public func sync() async throws {
        let server = try running()
        await server.sync(server.node.nodes().map(\.atom))
    }

    /// `global:sync/1` for the given nodes.
    public func sync(_ nodes: [NodeName]) async throws {
        try await running().sync(nodes.map(\.atom))
    }

    /// The nodes `global` knows (in sync with, or learnt through a peer), as the `get_known` call answers.
    public func knownNodes() -> [NodeName] {
        let atoms = box.withLockedValue { $0 }?.state.withLockedValue { $0.knownNodes } ?? []
        return atoms.compactMap { try? NodeName($0.name) }
    }

    private func lockNodes(_ nodes: [NodeName]?, _ server: GlobalServer) -> [Atom] {
        (nodes ?? [server.node.name] + server.node.nodes()).map(\.atom)
    }
}

extension GlobalServer {
    /// `trans_all_known/1` with `set_lock_known/2`: global's own lock `{global, Registrar}` on this
    /// node and every known node (the boss first), retried until no node became known meanwhile.
    func transactionOnKnownNodes<T: Sendable>(_ body: @Sendable (GlobalLocking, [Atom]) async throws -> T) async throws -> T {
        await self.registrar.enter()
        defer { self.registrar.leave() }
        let registrar = try node.spawnProcess()
        defer { registrar.exit() }
        let locking = GlobalLocking(process: registrar, server: self)
        let id = GlobalLockID(resource: GlobalState.globalResource, requester: .pid(registrar.pid))
        var times = 0
        var nodes: [Atom]
        while true {
            let known = state.withLockedValue { $0.knownNodes }
            nodes = [node.name.atom] + known
            let boss = nodes.max() ?? node.name.atom
            if await locking.setLockOnNodes(id, [boss]) {
                if await locking.setLockOnNodes(id, nodes), Set(state.withLockedValue { $0.knownNodes }).subtracting(known).isEmpty { break }
                await locking.deleteLock(id, nodes)
            }
            try Task.checkCancellation()
            await GlobalLocking.randomSleep(times)
            times += 1
        }
        do {
            let result = try await body(locking, nodes)
            await locking.deleteGlobalLock(id, nodes)
            return result
        } catch {
            await locking.deleteGlobalLock(id, nodes)
            throw error
        }
    }
}

/// An error of the ``Global`` API.
public struct GlobalError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// `global` does not run on this node (hidden, or not started).
        case notRunning
        /// ``Global/start(on:)`` ran twice.
        case alreadyStarted
        /// No process has the global name.
        case unknownName
    }

    /// The kind of error.
    public let code: Code
    /// Details.
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}

extension Global: ServerNameResolver {
    /// `global:whereis_name/1` for `ServerRef.via(global, Name)`, so calls can go to `{global, Name}`.
    public func whereis(_ name: Term, on node: ErlangNode) async -> PID? {
        whereisName(name)
    }
}
