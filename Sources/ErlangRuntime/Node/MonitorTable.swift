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

    mutating func add(_ monitor: OnUs, reference: Reference) { onUs[reference] = monitor }

    mutating func add(_ monitor: ByUs, reference: Reference) { byUs[reference] = monitor }

    /// `DEMONITOR_P` from a peer, or `demonitor/1` of a local watcher.
    mutating func removeOnUs(_ reference: Reference) -> OnUs? { onUs.removeValue(forKey: reference) }

    /// A DOWN arrived, or our process demonitors.
    mutating func removeByUs(_ reference: Reference) -> ByUs? { byUs.removeValue(forKey: reference) }

    /// `pid` exits: the monitors on it fire, and the ones it held go (to be demonitored).
    mutating func processExited(_ pid: PID) -> (fire: [(Reference, OnUs)], held: [(Reference, ByUs)]) {
        let fire = onUs.filter { $0.value.target == pid }.map { ($0.key, $0.value) }
        for (reference, _) in fire { onUs[reference] = nil }
        // The monitors it watched others with go too (a dead process has none).
        let watching = onUs.filter { $0.value.watcher == pid && $0.value.peer == nil }
        for (reference, _) in watching { onUs[reference] = nil }
        let held = byUs.filter { $0.value.watcher == pid }.map { ($0.key, $0.value) }
        for (reference, _) in held { byUs[reference] = nil }
        return (fire, held)
    }

    /// The connection to `node` went down: the monitors its processes held on ours go, and ours on
    /// its processes fire with `noconnection`.
    mutating func connectionLost(to node: NodeName) -> [(Reference, ByUs)] {
        onUs = onUs.filter { $0.value.peer != node }
        let lost = byUs.filter { $0.value.node == node }.map { ($0.key, $0.value) }
        for (reference, _) in lost { byUs[reference] = nil }
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
