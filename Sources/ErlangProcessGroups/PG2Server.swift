import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import Logging
import NIOConcurrencyHelpers

/// The `pg2` gen_server's shell (`pg2.erl`, `handle_call/3`, `handle_cast/2`, `handle_info/2`):
/// feeds the ``PG2Instance`` in the shared box, which the API reads as pg2's callers read
/// `pg2_table`, and carries out its directives before the next message.
struct PG2Server: GenServer {
    let state: NIOLockedValueBox<PG2Instance>
    let logger: Logger
    /// One monitor per member pid, as the `{ref, Pid}` rows keep.
    var monitors: [PID: Reference] = [:]

    mutating func handleCall(_ request: Term, from: GenServerFrom, context: GenServerContext) async throws -> GenServerCallResult {
        guard let parsed = PG2Message.Request(request) else {
            // pg2 logs a warning and never answers an unknown call.
            logger.warning("pg2 received an unexpected call", metadata: ["request": "\(request)"])
            return .noreply
        }
        let directives = state.withLockedValue { instance -> [PG2Instance.Directive] in
            switch parsed {
            case .create(let name):
                instance.create(name)
                return []
            case .delete(let name): return instance.delete(name)
            case .join(let name, let pid): return instance.join(name, pid)
            case .leave(let name, let pid): return instance.leave(name, pid)
            }
        }
        await execute(directives, context.process)
        return .reply(.atom(.ok))
    }

    mutating func handleCast(_ request: Term, context: GenServerContext) async throws -> GenServerResult {
        // Any other cast ({del_member, Name, Pid} included) is ignored, as pg2 does.
        guard case .tuple(let elements) = request, elements.first == .atom("exchange") else { return .noreply }
        guard let list = PG2Message.exchangeList(request) else {
            logger.notice("pg2 ignored a malformed exchange", metadata: ["cast": "\(request)"])
            return .noreply
        }
        let directives = state.withLockedValue { $0.store(list) }
        await execute(directives, context.process)
        return .noreply
    }

    mutating func handleInfo(_ message: Term, context: GenServerContext) async throws -> GenServerResult {
        if let node = PG2Message.exchangeTrigger(message) {
            await execute(state.withLockedValue { $0.exchange(with: node) }, context.process)
        } else if let (reference, pid) = Self.down(message), monitors[pid] == reference {
            monitors[pid] = nil
            await execute(state.withLockedValue { $0.down(pid) }, context.process)
        }
        return .noreply
    }

    /// `{'DOWN', Ref, process, Pid, Reason}`.
    static func down(_ message: Term) -> (Reference, PID)? {
        guard case .tuple(let elements) = message, elements.count == 5, elements[0] == .atom("DOWN"),
              case .reference(let reference) = elements[1], elements[2] == .atom("process"),
              case .pid(let pid) = elements[3] else { return nil }
        return (reference, pid)
    }

    mutating func execute(_ directives: [PG2Instance.Directive], _ process: ErlangProcess) async {
        for directive in directives {
            switch directive {
            case .monitor(let pid):
                do {
                    monitors[pid] = try await process.monitor(pid)
                } catch {
                    // pg2's helper monitor would see `noconnection`: the member is gone.
                    await execute(state.withLockedValue { $0.down(pid) }, process)
                }
            case .demonitor(let pid):
                if let reference = monitors.removeValue(forKey: pid) { await process.demonitor(reference) }
            case .send(let message, let peer):
                guard let node = try? NodeName(peer.name) else { continue }
                try? await process.send(message, to: PG2.serverName, at: node)
            case .cast(let request, let peer):
                guard let node = try? NodeName(peer.name) else { continue }
                await process.cast(.remote(PG2.serverName, node), request)
            case .abcast(let request):
                await process.node.abcast(process.node.nodes(), PG2.serverName, request)
            }
        }
    }
}
