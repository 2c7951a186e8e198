import ErlangRuntime
import ErlangTerm

/// How a name conflict between two partitions is settled (`global.erl`, `exchange_names/4` and
/// `resolve_it/4`): the smaller node name runs the existing registration's method where its
/// process lives, and the method's answer picks the winner.
enum GlobalResolution {
    /// One name of the peer's list.
    enum Item: Sendable, Equatable {
        /// A name this node does not have: insert it here.
        case insert(GlobalName)
        /// Both have the name with different processes, and this node resolves it.
        case conflict(theirs: GlobalName, ours: GlobalName)
    }

    /// What the method answered.
    enum Outcome: Sendable, Equatable {
        /// A pid: the one that keeps the name.
        case keep(PID)
        /// `none`: both lose it.
        case none
        /// The method could not be run (`{badrpc, _}`).
        case failed
        /// Any other answer.
        case other
    }

    /// `exchange_names/4` without the method calls: what to do with each of the peer's names.
    static func items(theirs: [GlobalName], from peer: Atom, me: Atom, ours: [Term: GlobalName]) -> [Item] {
        theirs.compactMap { name in
            guard let existing = ours[name.name] else { return .insert(name) }
            if existing.pid == name.pid { return nil }
            // The smaller node resolves; the other side leaves it to us (`node() < Node`).
            return me < peer ? .conflict(theirs: name, ours: existing) : nil
        }
    }

    /// The operations for this node and for the peer (`Ops` and `Resolved` of `exchange_names/4`).
    static func operations(_ items: [Item], outcomes: [Outcome]) -> (operations: [GlobalOperation], resolved: [GlobalOperation]) {
        var operations: [GlobalOperation] = []
        var resolved: [GlobalOperation] = []
        var outcomeIndex = 0
        for item in items {
            switch item {
            case .insert(let name):
                operations.append(.insert(name))
            case .conflict(let theirs, let ours):
                let outcome = outcomeIndex < outcomes.count ? outcomes[outcomeIndex] : .failed
                outcomeIndex += 1
                switch outcome {
                case .keep(theirs.pid), .failed: operations.append(.insert(theirs))
                case .keep(ours.pid): resolved.append(.insert(ours))
                case .keep, .none, .other:
                    operations.append(.delete(theirs.name))
                    resolved.append(.delete(theirs.name))
                }
            }
        }
        return (operations, resolved)
    }

    /// The standard methods of `global.erl` by their export funs.
    /// A closure of module `global` taking three arguments is taken for `fun random_exit_name/3`,
    /// the one local fun `global.erl` passes as a method (`register_name/2`, `re_register_name/2`,
    /// `register_name_external/2`); Swift cannot run BEAM code.
    static func standardMethod(_ method: Term) -> GlobalResolve? {
        if case .fun(.closure(let closure)) = method, closure.module == "global", closure.arity == 3 { return .randomExit }
        guard case .fun(.export(let module, let function, 3)) = method, module == "global" else { return nil }
        switch function.name {
        case "random_exit_name": return .randomExit
        case "random_notify_name": return .randomNotify
        case "notify_all_name": return .notifyAll
        default: return nil
        }
    }

    /// `minmax/2`: ordered by node name.
    static func minMax(_ a: PID, _ b: PID) -> (min: PID, max: PID) {
        a.node < b.node ? (a, b) : (b, a)
    }
}

/// How a conflict over a name this node registered is settled when this node resolves it
/// (`global:register_name/3`'s `Method`).
public enum GlobalResolve: Sendable {
    /// `global:random_exit_name/3` (the default): the process on the greater node is killed, the
    /// other keeps the name.
    case randomExit
    /// `global:random_notify_name/3`: the process on the greater node gets
    /// `{global_name_conflict, Name}`, the other keeps the name.
    case randomNotify
    /// `global:notify_all_name/3`: both get `{global_name_conflict, Name, OtherPid}` and neither
    /// keeps the name.
    case notifyAll
    /// A Swift resolver: given the name and both pids, the pid that keeps it, or nil for neither.
    /// It travels as `fun global:random_exit_name/3`; a peer that resolves a conflict over the
    /// name runs it here through `global:resolve_it/4`.
    case custom(@Sendable (_ name: Term, _ pid1: PID, _ pid2: PID) async -> PID?)

    /// The method as peers store it: an export fun of `global`.
    var method: Term {
        let function: Atom
        switch self {
        case .randomExit, .custom: function = "random_exit_name"
        case .randomNotify: function = "random_notify_name"
        case .notifyAll: function = "notify_all_name"
        }
        return .fun(.export(module: "global", function: function, arity: 3))
    }

    /// Runs the method here, from `process`, as `global.erl`'s function of the same name does.
    func resolve(_ name: Term, _ pid1: PID, _ pid2: PID, from process: ErlangProcess) async -> GlobalResolution.Outcome {
        let (min, max) = GlobalResolution.minMax(pid1, pid2)
        switch self {
        case .randomExit:
            try? await process.exit(max, reason: .atom("kill"))
            return .keep(min)
        case .randomNotify:
            try? await process.send(.tuple([.atom("global_name_conflict"), name]), to: max)
            return .keep(min)
        case .notifyAll:
            try? await process.send(.tuple([.atom("global_name_conflict"), name, .pid(pid2)]), to: pid1)
            try? await process.send(.tuple([.atom("global_name_conflict"), name, .pid(pid1)]), to: pid2)
            return .none
        case .custom(let resolver):
            guard let winner = await resolver(name, pid1, pid2) else { return .none }
            return winner == pid1 || winner == pid2 ? .keep(winner) : .other
        }
    }
}
