import ErlangDistribution
import NIOConcurrencyHelpers
import NIOCore

/// The node's table of connections, as `net_kernel`'s `sys_dist` keeps it: for each peer, an attempt
/// pending (whose owner may be replaced in a simultaneous connect) or a connection up (possibly with
/// its replacement pending). It answers the handshakes' questions and hands finished connections to
/// the callers waiting for them.
final class DistributionConnectionTable: Sendable {
    typealias AttemptID = Int
    typealias Waiter = CheckedContinuation<DistributionConnection, any Error>

    enum Entry {
        case pending(owner: AttemptID, waiters: [Waiter])
        case up(DistributionConnection)
        case upPending(DistributionConnection, owner: AttemptID, waiters: [Waiter])
    }

    /// What a caller of `connect` does.
    enum ConnectStart {
        case connected(DistributionConnection)
        case wait
        case start(AttemptID)
    }

    struct State {
        var entries: [NodeName: Entry] = [:]
        /// The channel of each attempt under way, to close it when it is given up.
        var channels: [AttemptID: any Channel] = [:]
        /// Attempts given up for another one; their failure changes nothing.
        var superseded: Set<AttemptID> = []
        /// The peer of each incoming attempt, once it gave its name.
        var peers: [AttemptID: NodeName] = [:]
        var nextAttempt = 1
        var localName: NodeName?
        var localCreation: UInt32?
    }

    private let state: NIOLockedValueBox<State>

    init(localName: NodeName?) {
        state = NIOLockedValueBox(State(localName: localName))
    }

    var localName: NodeName? { state.withLockedValue { $0.localName } }

    var localCreation: UInt32? { state.withLockedValue { $0.localCreation } }

    /// Takes the name (and creation) a peer assigned, the first time one is assigned.
    func adopt(localName: NodeName, creation: UInt32) {
        state.withLockedValue { state in
            guard state.localName == nil else { return }
            state.localName = localName
            state.localCreation = creation
        }
    }

    /// Takes the creation EPMD handed out, for the handshakes from now on.
    func useCreation(_ creation: UInt32) {
        state.withLockedValue { $0.localCreation = creation }
    }

    func newAttempt() -> AttemptID {
        state.withLockedValue { state in
            defer { state.nextAttempt += 1 }
            return state.nextAttempt
        }
    }

    func connection(to peer: NodeName) -> DistributionConnection? {
        state.withLockedValue { state in
            switch state.entries[peer] {
            case .up(let connection)?, .upPending(let connection, _, _)?: return connection
            default: return nil
            }
        }
    }

    var connections: [DistributionConnection] {
        state.withLockedValue { state in
            state.entries.values.compactMap {
                switch $0 {
                case .up(let connection), .upPending(let connection, _, _): return connection
                case .pending: return nil
                }
            }
        }
    }

    /// `connect`: an up connection, or wait for the pending attempt, or start one (waiting for it).
    func beginConnect(to peer: NodeName, waiter: Waiter) -> ConnectStart {
        state.withLockedValue { state in
            switch state.entries[peer] {
            case .up(let connection)?:
                return .connected(connection)
            case .pending(let owner, var waiters)?:
                waiters.append(waiter)
                state.entries[peer] = .pending(owner: owner, waiters: waiters)
                return .wait
            case .upPending(let connection, _, _)?:
                return .connected(connection)
            case nil:
                let attempt = state.nextAttempt
                state.nextAttempt += 1
                state.entries[peer] = .pending(owner: attempt, waiters: [waiter])
                return .start(attempt)
            }
        }
    }

    /// Records an attempt's channel; returns false when the attempt was already given up (the
    /// caller then closes the channel).
    func register(_ channel: any Channel, for attempt: AttemptID) -> Bool {
        state.withLockedValue { state in
            guard !state.superseded.contains(attempt) else { return false }
            state.channels[attempt] = channel
            return true
        }
    }

    /// `accept_pending` for an incoming attempt (`net_kernel:handle_info/2`).
    func checkSimultaneous(_ pending: PendingConnection, attempt: AttemptID) -> AcceptDecision {
        let (decision, giveUp) = state.withLockedValue { state -> (AcceptDecision, (any Channel)?) in
            guard let local = state.localName else { return (.notAllowed, nil) }
            switch pending.peer {
            case .dynamic(let host):
                let (name, creation) = Self.dynamicName(host: host, taken: state.entries.keys)
                state.entries[name] = .pending(owner: attempt, waiters: [])
                state.peers[attempt] = name
                return (.named(name, creation: creation), nil)
            case .name(let peer):
                state.peers[attempt] = peer
                return Self.decide(peer: peer, local: local, attempt: attempt, state: &state)
            }
        }
        giveUp?.close(promise: nil)
        return decision
    }

    private static func decide(peer: NodeName, local: NodeName, attempt: AttemptID, state: inout State) -> (AcceptDecision, (any Channel)?) {
        let existing: AcceptDecision.Existing
        switch state.entries[peer] {
        case nil: existing = .none
        case .pending?: existing = .pending
        case .up?: existing = .up
        case .upPending?: existing = .upPending
        }
        let decision = AcceptDecision.rule(local: local, peer: peer, existing: existing)
        switch (decision, state.entries[peer]) {
        case (.ok, _):
            state.entries[peer] = .pending(owner: attempt, waiters: [])
        case (.okSimultaneous, .pending(let owner, let waiters)?):
            // Our own attempt gives way: it is closed, and whoever waited for it gets this one.
            state.superseded.insert(owner)
            state.entries[peer] = .pending(owner: attempt, waiters: waiters)
            return (decision, state.channels.removeValue(forKey: owner))
        case (.alive, .up(let connection)?):
            state.entries[peer] = .upPending(connection, owner: attempt, waiters: [])
        default:
            break
        }
        return (decision, nil)
    }

    /// The peer an attempt is for, once known.
    func peer(of attempt: AttemptID) -> NodeName? {
        state.withLockedValue { $0.peers[attempt] }
    }

    /// Whether the attempt gave way to another one for the same peer.
    func isSuperseded(_ attempt: AttemptID) -> Bool {
        state.withLockedValue { $0.superseded.contains(attempt) }
    }

    /// `is_pending`: whether `attempt` is still the one the node wants for `peer`.
    func isStillPending(_ attempt: AttemptID, peer: NodeName) -> Bool {
        state.withLockedValue { state in
            if case .pending(let owner, _)? = state.entries[peer] { return owner == attempt }
            return false
        }
    }

    /// The old connection that `attempt` replaces, if it is still there.
    func oldConnection(replacedBy attempt: AttemptID, peer: NodeName) -> DistributionConnection? {
        state.withLockedValue { state in
            if case .upPending(let connection, let owner, _)? = state.entries[peer], owner == attempt { return connection }
            return nil
        }
    }

    /// An attempt finished its handshake. Returns false when the node no longer wants it (the
    /// caller closes it).
    func completed(_ attempt: AttemptID, connection: DistributionConnection) -> Bool {
        let (accepted, waiters) = state.withLockedValue { state -> (Bool, [Waiter]) in
            state.channels[attempt] = nil
            state.peers[attempt] = nil
            guard case .pending(let owner, let waiters)? = state.entries[connection.peer], owner == attempt else {
                return (false, [])
            }
            state.entries[connection.peer] = .up(connection)
            return (true, waiters)
        }
        for waiter in waiters { waiter.resume(returning: connection) }
        return accepted
    }

    /// An attempt failed. With `keepPending` (it was told `nok`: the peer's own attempt will come
    /// in) the entry stays for the incoming attempt to take over.
    func failed(_ attempt: AttemptID, peer: NodeName?, error: DistributionError, keepPending: Bool = false) {
        let waiters = state.withLockedValue { state -> [Waiter] in
            state.channels[attempt] = nil
            if !keepPending { state.peers[attempt] = nil }
            guard state.superseded.remove(attempt) == nil else { return [] }
            let names = peer.map { [$0] } ?? Array(state.entries.keys)
            for name in names {
                switch state.entries[name] {
                case .pending(let owner, let waiters)? where owner == attempt:
                    if keepPending { return [] }
                    state.entries[name] = nil
                    return waiters
                case .upPending(let connection, let owner, let waiters)? where owner == attempt:
                    state.entries[name] = .up(connection)
                    return waiters
                default:
                    continue
                }
            }
            return []
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    /// A connection closed: its entry goes, or its pending replacement takes over.
    func closed(_ connection: DistributionConnection) -> Bool {
        state.withLockedValue { state in
            switch state.entries[connection.peer] {
            case .up(let current)? where current === connection:
                state.entries[connection.peer] = nil
                return true
            case .upPending(let current, let owner, let waiters)? where current === connection:
                state.entries[connection.peer] = .pending(owner: owner, waiters: waiters)
                return true
            default:
                return false
            }
        }
    }

    /// Closes every channel under way and returns every connection, for a shutdown.
    func removeAll() -> (channels: [any Channel], connections: [DistributionConnection], waiters: [Waiter]) {
        state.withLockedValue { state in
            var connections: [DistributionConnection] = []
            var waiters: [Waiter] = []
            for entry in state.entries.values {
                switch entry {
                case .up(let connection): connections.append(connection)
                case .upPending(let connection, _, let more): connections.append(connection); waiters += more
                case .pending(_, let more): waiters += more
                }
            }
            let channels = Array(state.channels.values)
            state.entries = [:]
            state.channels = [:]
            return (channels, connections, waiters)
        }
    }

    /// `net_kernel:generate_node_name/2` and `create_creation/0`: a random base-36 name on `host`
    /// and a random creation other than 0 to 3.
    static func dynamicName(host: String, taken: Dictionary<NodeName, Entry>.Keys) -> (NodeName, UInt32) {
        while true {
            let alive = String(UInt64.random(in: 1...UInt64.max), radix: 36, uppercase: true)
            if let name = try? NodeName(alive: alive, host: host), !taken.contains(name) {
                return (name, UInt32.random(in: 4...UInt32.max))
            }
        }
    }
}
