import ErlangDistribution
import ErlangTerm

/// The node's process monitors: pure state, kept under the node's lock.
///
/// Two kinds, as ERTS keeps them on each side of a connection (`erl_monitor_link.h`):
/// - *held on us*: a watcher (on a peer node, or here) monitors one of our processes; when the
///   process exits the watcher gets a DOWN with the exit reason.
/// - *held by us*: one of our processes monitors a process on a peer node; the DOWN comes back as
///   `MONITOR_P_EXIT`, or is made here with `noconnection` when the connection goes down.
struct MonitorTable {
    /// A monitor on one of our processes.
    struct OnUs: Equatable {
        /// The process watched.
        var target: PID
        /// How the watcher named it: by pid, or by registered name (the DOWN says the same).
        var targetAs: ControlMessage.MonitorTarget
        /// The watching process.
        var watcher: PID
        /// The watcher's node; nil when it is this node.
        var peer: NodeName?
    }

    /// A monitor one of our processes holds on a process of another node.
    struct ByUs: Equatable {
        /// Our watching process.
        var watcher: PID
        /// The process watched, by pid or name.
        var target: ControlMessage.MonitorTarget
        /// The node it lives on.
        var node: NodeName
    }

    private(set) var onUs: [Reference: OnUs] = [:]
    private(set) var byUs: [Reference: ByUs] = [:]
    /// The monitors on us by the local processes they involve (target, and local watcher), and
    /// ours by watcher: a process's exit costs what it holds, not what the node holds (10,000
    /// concurrent calls each hold a monitor).
    private var onUsOf: [PID: Set<Reference>] = [:]
    private var byUsOf: [PID: Set<Reference>] = [:]

    mutating func add(_ monitor: OnUs, reference: Reference) {
        _ = removeOnUs(reference)
        onUs[reference] = monitor
        onUsOf[monitor.target, default: []].insert(reference)
        if monitor.peer == nil { onUsOf[monitor.watcher, default: []].insert(reference) }
    }

    mutating func add(_ monitor: ByUs, reference: Reference) {
        _ = removeByUs(reference)
        byUs[reference] = monitor
        byUsOf[monitor.watcher, default: []].insert(reference)
    }

    /// `DEMONITOR_P` from a peer, or `demonitor/1` of a local watcher.
    mutating func removeOnUs(_ reference: Reference) -> OnUs? {
        guard let monitor = onUs.removeValue(forKey: reference) else { return nil }
        Self.unindex(reference, of: monitor.target, in: &onUsOf)
        if monitor.peer == nil { Self.unindex(reference, of: monitor.watcher, in: &onUsOf) }
        return monitor
    }

    /// A DOWN arrived, or our process demonitors.
    mutating func removeByUs(_ reference: Reference) -> ByUs? {
        guard let monitor = byUs.removeValue(forKey: reference) else { return nil }
        Self.unindex(reference, of: monitor.watcher, in: &byUsOf)
        return monitor
    }

    private static func unindex(_ reference: Reference, of pid: PID, in index: inout [PID: Set<Reference>]) {
        index[pid]?.remove(reference)
        if index[pid]?.isEmpty == true { index[pid] = nil }
    }

    /// `pid` exits: the monitors on it fire, and the ones it held go (to be demonitored).
    mutating func processExited(_ pid: PID) -> (fire: [(Reference, OnUs)], held: [(Reference, ByUs)]) {
        var fire: [(Reference, OnUs)] = []
        for reference in onUsOf[pid] ?? [] {
            // The monitors it watched others with go too (a dead process has none).
            guard let monitor = removeOnUs(reference), monitor.target == pid else { continue }
            fire.append((reference, monitor))
        }
        let held = (byUsOf[pid] ?? []).compactMap { reference in removeByUs(reference).map { (reference, $0) } }
        return (fire, held)
    }

    /// The connection to `node` went down: the monitors its processes held on ours go, and ours on
    /// its processes fire with `noconnection`.
    mutating func connectionLost(to node: NodeName) -> [(Reference, ByUs)] {
        for (reference, _) in onUs.filter({ $0.value.peer == node }) { _ = removeOnUs(reference) }
        let lost = byUs.filter { $0.value.node == node }.map { ($0.key, $0.value) }
        for (reference, _) in lost { _ = removeByUs(reference) }
        return lost
    }
}

extension ErlangNode {
    /// The DOWN message a watcher gets: `{'DOWN', Ref, process, Target, Reason}`, where Target is
    /// the pid, or `{Name, Node}` for a monitor by name (`erlang:monitor/2` documentation).
    static func downMessage(_ reference: Reference, target: ControlMessage.MonitorTarget, node: NodeName, reason: Term) -> Term {
        let object: Term
        switch target {
        case .pid(let pid): object = .pid(pid)
        case .name(let name): object = .tuple([.atom(name), .atom(node.atom)])
        }
        return .tuple([.atom("DOWN"), .reference(reference), .atom("process"), object, reason])
    }
}
