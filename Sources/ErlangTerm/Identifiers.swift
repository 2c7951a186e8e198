/// A process identifier as it travels in `NEW_PID_EXT`: the node, a 32-bit number, a 32-bit
/// serial and the 32-bit creation of the node's incarnation.
public struct PID: Sendable, Hashable, CustomStringConvertible {
    /// The node the process lives on.
    public var node: Atom
    /// The process number (`ID`); only the low 28 bits are used by OTP 25 for local pids.
    public var id: UInt32
    /// The serial number.
    public var serial: UInt32
    /// The creation of the node incarnation that made this pid.
    public var creation: UInt32

    /// Creates a pid from its wire fields.
    public init(node: Atom, id: UInt32, serial: UInt32, creation: UInt32) {
        self.node = node
        self.id = id
        self.serial = serial
        self.creation = creation
    }

    /// The pid as a remote node prints it, without the node index: `<node.id.serial>`.
    public var description: String { "<\(node.name).\(id).\(serial)>" }
}

/// A port identifier (`NEW_PORT_EXT`, `V4_PORT_EXT` or the old `PORT_EXT`).
public struct Port: Sendable, Hashable, CustomStringConvertible {
    /// The node the port belongs to.
    public var node: Atom
    /// The port number; up to 64 bits with `V4_PORT_EXT`.
    public var id: UInt64
    /// The creation of the node incarnation that made this port.
    public var creation: UInt32

    /// Creates a port from its wire fields.
    public init(node: Atom, id: UInt64, creation: UInt32) {
        self.node = node
        self.id = id
        self.creation = creation
    }

    /// The port printed as `#Port<node.id>`.
    public var description: String { "#Port<\(node.name).\(id)>" }
}

/// A reference (`NEWER_REFERENCE_EXT`, or the older `NEW_REFERENCE_EXT` and `REFERENCE_EXT`).
public struct Reference: Sendable, Hashable, CustomStringConvertible {
    /// The node that made the reference.
    public var node: Atom
    /// The 32-bit words of the reference, 1 to 5 of them (OTP 25 writes 3).
    public var ids: [UInt32]
    /// The creation of the node incarnation that made this reference.
    public var creation: UInt32

    /// The most words a reference may carry (`binary_to_term` refuses 6, distribution.md §5.2).
    public static let maxIDs = 5

    /// Creates a reference from its wire fields.
    public init(node: Atom, ids: [UInt32], creation: UInt32) {
        self.node = node
        self.ids = ids
        self.creation = creation
    }

    /// The reference printed as `#Ref<node.w2.w1.w0>` (words most significant first, as OTP prints them).
    public var description: String {
        "#Ref<\(node.name)." + ids.reversed().map(String.init).joined(separator: ".") + ">"
    }
}

/// A function value: either an external `fun M:F/A` (`EXPORT_EXT`) or a closure (`NEW_FUN_EXT`).
///
/// A foreign node cannot run a closure, but it can keep one and send it back unchanged.
public enum Fun: Sendable, Hashable {
    /// `fun Module:Function/Arity`.
    case export(module: Atom, function: Atom, arity: UInt8)
    /// A closure with its code identity and free variables.
    case closure(Closure)

    /// The fields of `NEW_FUN_EXT`.
    public struct Closure: Sendable, Hashable {
        /// The number of arguments the fun takes.
        public var arity: UInt8
        /// The MD5 of the defining module's code (16 bytes).
        public var uniq: [UInt8]
        /// The fun's index in the module's fun table.
        public var index: UInt32
        /// The module that defines the fun.
        public var module: Atom
        /// The old index (an integer term on the wire).
        public var oldIndex: Int
        /// The old uniq (an integer term on the wire).
        public var oldUniq: Int
        /// The process that created the fun.
        public var pid: PID
        /// The free variables captured by the closure.
        public var freeVariables: [Term]

        /// Creates a closure from its wire fields.
        public init(
            arity: UInt8, uniq: [UInt8], index: UInt32, module: Atom,
            oldIndex: Int, oldUniq: Int, pid: PID, freeVariables: [Term]
        ) {
            self.arity = arity
            self.uniq = uniq
            self.index = index
            self.module = module
            self.oldIndex = oldIndex
            self.oldUniq = oldUniq
            self.pid = pid
            self.freeVariables = freeVariables
        }
    }
}
