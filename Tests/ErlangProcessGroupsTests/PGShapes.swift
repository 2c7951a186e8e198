@testable import ErlangProcessGroups
import ErlangTerm

/// The patterns `pg.erl` (OTP 25, kernel-8.5.3) matches, and what each clause body then
/// requires of the fields; a message that fails them makes a BEAM scope crash (membership.md §2.7).
enum PGShapes {
    /// `handle_info({discover, Peer})`, `handle_info({join, Peer, Group, PidOrPids})`,
    /// `handle_info({leave, Peer, PidOrPids, Groups})`, `handle_cast({sync, Peer, Groups})`
    /// wrapped by `gen_server:cast/2` as `{'$gen_cast', Request}`.
    static func isAccepted(_ term: Term) -> Bool {
        guard case .tuple(let elements) = term, let tag = elements.first?.atomValue?.name else { return false }
        switch (tag, elements.count) {
        case ("discover", 2):
            return elements[1].pidValue != nil
        case ("join", 4):
            // join_remote_update_ets/5: a pid (when is_pid) or a list (`Pids ++ All`).
            return elements[1].pidValue != nil && isPidOrPids(elements[3])
        case ("leave", 4):
            // leave_remote/3 folds over Groups (a list) and subtracts a pid list (`--`).
            return elements[1].pidValue != nil && isPidOrPids(elements[2]) && elements[3].listElements != nil
        case ("$gen_cast", 2):
            return isSync(elements[1])
        default:
            return false
        }
    }

    /// `{sync, Peer, Groups}` with Groups a proper list of `{Group, [Pid]}` (`sync_groups/5`, `maps:from_list/1`).
    static func isSync(_ term: Term) -> Bool {
        guard case .tuple(let sync) = term, sync.count == 3, sync[0] == .atom("sync"), sync[1].pidValue != nil,
              let groups = sync[2].listElements else { return false }
        return groups.allSatisfy { entry in
            guard case .tuple(let pair) = entry, pair.count == 2, let pids = pair[1].listElements else { return false }
            return pids.allSatisfy { $0.pidValue != nil }
        }
    }

    static func isPidOrPids(_ term: Term) -> Bool {
        if term.pidValue != nil { return true }
        guard let list = term.listElements else { return false }
        return list.allSatisfy { $0.pidValue != nil }
    }

    /// Every message among `directives` is one `pg.erl` accepts.
    static func allAccepted(_ directives: [ProcessGroupsInstance.Directive]) -> Bool {
        directives.allSatisfy { directive in
            switch directive {
            case .send(let message, _), .sendToScope(let message, _): return isAccepted(message.term)
            default: return true
            }
        }
    }
}
