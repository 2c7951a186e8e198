import ErlangTerm
import Logging

extension ErlangNode {
    /// Starts `server` in a new process, registered as `name` when one is given
    /// (`gen_server:start/3,4`), and returns the process.
    ///
    /// - Throws: ``ErlangNodeError`` after shutdown or when the name is taken.
    @discardableResult
    public func startServer(_ server: some GenServer, name: Atom? = nil) throws -> ErlangProcess {
        let process = try spawnProcess()
        if let name {
            do { try process.register(as: name) } catch {
                process.exit()
                throw error
            }
        }
        Task {
            var loop = GenServerLoop(server: server, process: process)
            await loop.run()
        }
        return process
    }
}

/// The receive loop of a ``GenServer`` (`gen_server.erl`, `loop/7` and `handle_msg/6`).
struct GenServerLoop<Server: GenServer> {
    var server: Server
    let process: ErlangProcess
    /// Between `sys:suspend/1` and `sys:resume/1`: only system messages are taken.
    var suspended = false

    private var context: GenServerContext { GenServerContext(process: process) }

    mutating func run() async {
        while let message = await nextMessage() {
            let outcome: Term?
            do {
                outcome = try await handle(message)
            } catch {
                outcome = crashReason(error, message)
                process.node.logger.error("a Swift gen_server crashed", metadata: [
                    "pid": "\(process.pid)", "server": "\(Server.self)", "reason": "\(outcome ?? .atom("normal"))"])
            }
            guard let reason = outcome else { continue }
            await server.terminate(reason, context: context)
            process.exit(reason)
            return
        }
    }

    /// The next message to handle: any, or while suspended only a system message (the others
    /// wait in the mailbox, as `sys.erl`'s `suspend_loop/6` leaves them).
    private func nextMessage() async -> Term? {
        if suspended {
            return await process.receive(matching: { SystemRequest.isSystemMessage($0) })
        }
        return await process.receive()
    }

    /// One message: nil to go on, or the reason to stop with.
    private mutating func handle(_ message: Term) async throws -> Term? {
        if let (from, tag, request) = SystemRequest.parse(message) {
            return await handleSystem(request, from: GenServerFrom(pid: from, tag: tag, process: process))
        }
        if let (from, tag, request) = genCall(message) {
            let caller = GenServerFrom(pid: from, tag: tag, process: process)
            switch try await server.handleCall(request, from: caller, context: context) {
            case .reply(let reply):
                try? await caller.reply(reply)
                return nil
            case .noreply:
                return nil
            case .stop(let reason, let reply):
                if let reply { try? await caller.reply(reply) }
                return reason
            }
        }
        let result: GenServerResult
        if case .tuple(let elements) = message, elements.count == 2, elements[0] == .atom("$gen_cast") {
            result = try await server.handleCast(elements[1], context: context)
        } else {
            result = try await server.handleInfo(message, context: context)
        }
        if case .stop(let reason) = result { return reason }
        return nil
    }

    /// The exit reason of a crashed callback, as `gen_server.erl` `try_dispatch/4` and
    /// `try_handle_call/4` make it: `{Reason, Stack}` for an error, the reason of an exit, and
    /// `{{nocatch, Value}, Stack}` for a throw no callback returned.
    private func crashReason(_ error: any Error, _ message: Term) -> Term {
        let exception = ErlangException.from(error)
        let callback: (Atom, Int) = genCall(message) != nil ? ("handle_call", 3)
            : message.tupleElements?.first == .atom("$gen_cast") ? ("handle_cast", 2) : ("handle_info", 2)
        let stack: Term = .list([.tuple([.atom(Atom(String(describing: Server.self))), .atom(callback.0), .integer(callback.1), .list([])])])
        switch exception.class {
        case .exit: return exception.reason
        case .throw: return .tuple([.tuple([.atom("nocatch"), exception.reason]), stack])
        default: return .tuple([exception.reason, stack])
        }
    }
}
