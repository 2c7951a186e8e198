import ErlangTerm

/// A node name, `alive@host`, as the distribution handshake and `erl` treat it.
///
/// Two levels of checking exist, as in OTP:
/// - ``init(_:)`` accepts what the handshake accepts from a peer (`dist_util:is_name_ok/2`): exactly
///   one `@` with a non-empty part on each side.
/// - ``local(_:domain:defaultHost:)`` accepts what `erl -sname`/`-name` accepts for the node itself
///   (`net_kernel:create_name/3`): the alive part made of `0-9A-Za-z_-`, a host of printable Latin-1
///   characters, and no dot in the host of a short name.
///
/// Names order as Erlang atoms do (by their UTF-8 bytes), which decides simultaneous connects.
public struct NodeName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The part before the `@`.
    public let alive: String
    /// The part after the `@`.
    public let host: String

    /// Whether names are short (`-sname`, a host without dots) or long (`-name`).
    public enum NameDomain: Sendable, Hashable {
        /// `-sname`: the host must not contain a dot.
        case shortNames
        /// `-name`: any valid host.
        case longNames
    }

    /// Parses a full node name as the handshake checks a peer's name (`dist_util:is_name_ok/2`).
    public init(_ text: String) throws {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw DistributionError(.badNodeName, "'\(text)' is not alive@host with exactly one @ and both parts non-empty")
        }
        try Self.checkLatin1(text)
        self.alive = String(parts[0])
        self.host = String(parts[1])
    }

    /// Creates a name from its two parts, checked as ``init(_:)`` checks a full name.
    public init(alive: String, host: String) throws {
        try self.init(alive + "@" + host)
    }

    /// Validates a name for this node as `erl -sname`/`-name` does (`net_kernel:create_name/3`).
    ///
    /// - Parameters:
    ///   - text: `alive@host`, or `alive` alone when `defaultHost` is given (`erl -sname foo` uses
    ///     the machine's host name; Swerl asks the caller for it instead of resolving it).
    ///   - domain: short or long names.
    ///   - defaultHost: the host for a name without `@`.
    public static func local(_ text: String, domain: NameDomain, defaultHost: String? = nil) throws -> NodeName {
        var full = text
        if !text.contains("@") || text.hasSuffix("@") {
            guard let defaultHost, !defaultHost.isEmpty else {
                throw DistributionError(.badNodeName, "'\(text)' has no host and no default host was given")
            }
            full = (text.hasSuffix("@") ? String(text.dropLast()) : text) + "@" + defaultHost
        }
        let name = try NodeName(full)
        guard name.alive.unicodeScalars.allSatisfy(isAliveCharacter) else {
            throw DistributionError(.badNodeName, "'\(name.alive)' may only contain 0-9, A-Z, a-z, _ and -")
        }
        // net_kernel:validate_hostname/1 allows the characters "!" to "ÿ".
        guard name.host.unicodeScalars.allSatisfy({ (0x21...0xFF).contains($0.value) }) else {
            throw DistributionError(.badNodeName, "host '\(name.host)' may only contain printable Latin-1 characters")
        }
        if domain == .shortNames, name.host.contains(".") {
            throw DistributionError(.badNodeName, "'\(name)' is a long name; short names have no dot in the host")
        }
        return name
    }

    /// Whether the host has no dot, so the name can be used among `-sname` nodes.
    public var isShortName: Bool { !host.contains(".") }

    /// `alive@host`.
    public var description: String { alive + "@" + host }

    /// The name as an atom, as it appears in pids, references and ports.
    public var atom: Atom { Atom(description) }

    /// Node names order as the atoms with their text (`net_kernel` compares `MyNode > Node`).
    public static func < (lhs: NodeName, rhs: NodeName) -> Bool {
        lhs.atom < rhs.atom
    }

    /// The name as the handshake writes it: Latin-1 bytes (`atom_to_binary(Node, latin1)`).
    var latin1Bytes: [UInt8] { description.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }

    /// Reads a name from handshake bytes, which OTP turns into characters one byte each (`list_to_atom/1`).
    static func fromLatin1(_ bytes: some Sequence<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    private static func isAliveCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "0"..."9", "A"..."Z", "a"..."z", "_", "-": return true
        default: return false
        }
    }

    private static func checkLatin1(_ text: String) throws {
        guard text.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) else {
            throw DistributionError(.badNodeName, "'\(text)' has characters outside Latin-1, which the handshake cannot carry")
        }
    }
}
