import ArgumentParser
import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import Foundation
import Logging

/// The node flags `swerl node`, `swerl pg` and `swerl ping` share, named as `erl` names them.
struct NodeOptions: ParsableArguments {
    @Option(name: .long, help: "This node's short name (erl -sname).")
    var sname: String?

    @Option(name: .long, help: "This node's long name (erl -name).")
    var name: String?

    @Option(name: .long, help: "The cookie (default: ~/.erlang.cookie, created like erl does when missing).")
    var setcookie: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "critical"

    func validate() throws {
        if sname != nil, name != nil { throw ValidationError("give --sname or --name, not both") }
    }

    /// A configuration with these flags; `fallback` names the node when neither flag is given.
    func configuration(
        hidden: Bool, fallback: @autoclosure () -> ErlangNode.Configuration.Name, label: String = "swerl.node"
    ) -> ErlangNode.Configuration {
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .critical
        let ownName: ErlangNode.Configuration.Name = sname.map { .short($0) } ?? name.map { .long($0) } ?? fallback()
        return ErlangNode.Configuration(
            name: ownName, cookie: setcookie.map { .explicit($0) } ?? .default, hidden: hidden, logger: logger)
    }

    /// A unique `<prefix>_...` name in `target`'s name domain: long when its host has a dot.
    static func uniqueName(_ prefix: String, like target: NodeName) -> ErlangNode.Configuration.Name {
        let alive = prefix + "_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        guard !target.isShortName else { return .short(alive) }
        let host = ProcessInfo.processInfo.hostName
        return .long(alive + "@" + (host.contains(".") ? host : "127.0.0.1"))
    }
}

/// Parses a node name argument.
func nodeName(_ text: String) throws -> NodeName {
    do { return try NodeName(text) } catch { throw ValidationError("\(text) is not a node name name@host") }
}

/// A group given on the command line: Erlang term syntax (`{shard, 1}`, `"text"`, `'Quoted'`),
/// or else the atom of that name (`process_group`).
func groupTerm(_ text: String) throws -> Term {
    guard let first = text.first, "{[<\"'#0123456789-".contains(first) else { return .atom(Atom(text)) }
    do { return try TermParser().parse(text) } catch { throw ValidationError("\(text) is not an Erlang term: \(error)") }
}

/// Writes whole lines to standard output at once, unbuffered, so a reader of a pipe sees each
/// event as it happens and lines from concurrent tasks never interleave.
enum Output {
    private static let lock = NSLock()

    static func line(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// One JSON object, keys sorted.
    static func json(_ object: [String: any Sendable]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line(String(decoding: data, as: UTF8.self))
    }
}
