import ErlangDistribution
import ErlangGlobal
import ErlangRuntime
import ErlangTerm
import NIOConcurrencyHelpers

/// Legacy `pg2` (OTP 23 and earlier, `kernel/src/pg2.erl`) on an ``ErlangRuntime/ErlangNode``:
/// the `pg2` server, registered as `pg2`, that shares named process groups with the `pg2` server
/// of every visible node, and pg2's API.
///
/// ```swift
/// let global = Global()
/// let node = try await ErlangNode.start(.init(name: .long("swift@127.0.0.1"), services: [global.service]))
/// let pg2 = try await PG2.start(on: node, global: global)
/// try await pg2.create(.atom("workers"))
/// try await pg2.join(.atom("workers"), worker.pid)
/// let members = try pg2.getMembers(.atom("workers"))
/// ```
///
/// Changes run as pg2 runs them: under the `global` lock `{{pg2, Name}, Requester}` on
/// `[node() | nodes()]`, a `gen_server:multi_call` of `{create | delete | join | leave, ...}` to
/// `pg2` on every visible node. Membership is merged with `{exchange, Node, Members}` when a
/// node comes up, and each node drops a member when its own monitor on it fires (exit or node down).
public final class PG2: Sendable {
    /// The server's registered name, `pg2`.
    static let serverName: Atom = "pg2"

    /// The node the server runs on.
    public let node: ErlangNode
    /// The `global` the locks are taken with.
    public let global: Global
    /// The `pg2` server process.
    public let process: ErlangProcess
    let state: NIOLockedValueBox<PG2Instance>
    /// How many changes wait for their `{pg2, Name}` lock now (what tests watch to show exclusion).
    let lockWaits = NIOLockedValueBox(0)

    private init(node: ErlangNode, global: Global, process: ErlangProcess, state: NIOLockedValueBox<PG2Instance>) {
        self.node = node
        self.global = global
        self.process = process
        self.state = state
    }

    /// `pg2:start/0`: starts the server on `node`, registered as `pg2`, and, as `init/1` does,
    /// sends `{new_pg2, node()}` to every visible node and exchanges membership with it.
    ///
    /// - Throws: ``PG2Error`` (`startFailed`) when `pg2` is taken or the node is down.
    public static func start(on node: ErlangNode, global: Global) async throws -> PG2 {
        let state = NIOLockedValueBox(PG2Instance(me: node.name.atom))
        let server = PG2Server(state: state, logger: node.configuration.logger)
        let events = node.events()
        let process: ErlangProcess
        do { process = try node.startServer(server, name: serverName) } catch { throw PG2Error(.startFailed) }
        let pg2 = PG2(node: node, global: global, process: process, state: state)
        pg2.forwardNodeUps(events)
        for peer in node.nodes() {
            try? await process.send(PG2Message.newPG2(node.name.atom), to: serverName, at: peer)
            process.send(.tuple([.atom("nodeup"), .atom(peer.atom)]), to: serverName)
        }
        return pg2
    }

    /// `net_kernel:monitor_nodes(true)`: `{nodeup, Node}` to the server for each visible node up.
    private func forwardNodeUps(_ events: AsyncStream<ErlangNode.Event>) {
        Task { [process] in
            for await event in events {
                guard process.isAlive else { return }
                if case .nodeUp(let peer, hidden: false) = event {
                    process.send(.tuple([.atom("nodeup"), .atom(peer.atom)]), to: PG2.serverName)
                }
            }
        }
    }

    /// Stops the server; its members stay members on the other nodes.
    public func stop() {
        process.exit()
    }

    // MARK: Changes

    /// `pg2:create/1`: creates the group on every node (nothing when it exists here).
    public func create(_ name: Term) async throws {
        guard state.withLockedValue({ $0.members(name) }) == nil else { return }
        try await transaction(name, .create(name))
    }

    /// `pg2:delete/1`: deletes the group on every node.
    public func delete(_ name: Term) async throws {
        try await transaction(name, .delete(name))
    }

    /// `pg2:join/2`: `pid` joins the group on every node (once more if it is a member already).
    ///
    /// - Throws: ``PG2Error`` (`noSuchGroup`) when the group does not exist here.
    public func join(_ name: Term, _ pid: PID) async throws {
        guard state.withLockedValue({ $0.members(name) }) != nil else { throw PG2Error(.noSuchGroup, name) }
        try await transaction(name, .join(name, pid))
    }

    /// `pg2:leave/2`: one of `pid`'s joins leaves the group on every node.
    ///
    /// - Throws: ``PG2Error`` (`noSuchGroup`) when the group does not exist here.
    public func leave(_ name: Term, _ pid: PID) async throws {
        guard state.withLockedValue({ $0.members(name) }) != nil else { throw PG2Error(.noSuchGroup, name) }
        try await transaction(name, .leave(name, pid))
    }

    /// `global:trans({{pg2, Name}, self()}, fun() -> gen_server:multi_call(pg2, Request) end)`:
    /// the lock on `[node() | nodes()]`, retried until had, held by a short-lived process whose
    /// pid is the requester, as `self()` is in pg2's caller.
    private func transaction(_ name: Term, _ request: PG2Message.Request) async throws {
        let holder = try node.spawnProcess()
        defer { holder.exit() }
        let id = Self.lockID(name, holder.pid)
        let lockNodes = [node.name] + node.nodes()
        lockWaits.withLockedValue { $0 += 1 }
        defer { lockWaits.withLockedValue { $0 -= 1 } }
        _ = try await global.setLock(id, nodes: lockNodes, holder: holder)
        _ = try? await node.multiCall([node.name] + node.nodes(), Self.serverName, request.term)
        try await global.deleteLock(id, nodes: lockNodes, holder: holder)
    }

    /// `{{pg2, Name}, Requester}`, the id `create/1`, `delete/1`, `join/2` and `leave/2` lock.
    static func lockID(_ name: Term, _ requester: PID) -> GlobalLockID {
        GlobalLockID(resource: .tuple([.atom("pg2"), name]), requester: .pid(requester))
    }

    // MARK: Reads

    /// `pg2:get_members/1`: every member, each pid as many times as it joined.
    ///
    /// - Throws: ``PG2Error`` (`noSuchGroup`).
    public func getMembers(_ name: Term) throws -> [PID] {
        guard let members = state.withLockedValue({ $0.members(name) }) else { throw PG2Error(.noSuchGroup, name) }
        return members
    }

    /// `pg2:get_local_members/1`: the members on this node.
    ///
    /// - Throws: ``PG2Error`` (`noSuchGroup`).
    public func getLocalMembers(_ name: Term) throws -> [PID] {
        guard let members = state.withLockedValue({ $0.localMembers(name) }) else { throw PG2Error(.noSuchGroup, name) }
        return members
    }

    /// `pg2:which_groups/0`, in Erlang term order.
    public func whichGroups() -> [Term] {
        state.withLockedValue { $0.groupNames }
    }

    /// `pg2:get_closest_pid/1`: a local member if there is one (the only one, or a random one),
    /// else a random member.
    ///
    /// - Throws: ``PG2Error`` (`noSuchGroup`, or `noProcess` when the group is empty).
    public func getClosestPid(_ name: Term) throws -> PID {
        let local = try getLocalMembers(name)
        if let pid = local.randomElement() { return pid }
        guard let pid = try getMembers(name).randomElement() else { throw PG2Error(.noProcess, name) }
        return pid
    }
}
