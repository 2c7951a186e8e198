import ErlangTerm

extension ControlMessage {
    /// The process a monitor is about: a pid, or a registered name on the node that owns it
    /// (`MONITOR_P`, `DEMONITOR_P`, `MONITOR_P_EXIT`, `PAYLOAD_MONITOR_P_EXIT`).
    public enum MonitorTarget: Sendable, Hashable {
        /// A process by its pid.
        case pid(PID)
        /// A process by its registered name.
        case name(Atom)

        /// The target as the control tuple carries it.
        public var term: Term {
            switch self {
            case .pid(let pid): .pid(pid)
            case .name(let name): .atom(name)
            }
        }
    }

    /// The `{Module, Function, Arity}` of a spawn request.
    public struct SpawnFunction: Sendable, Hashable {
        /// The module.
        public var module: Atom
        /// The function.
        public var function: Atom
        /// The number of arguments, as the payload list has them.
        public var arity: Int

        /// Creates the triple.
        public init(module: Atom, function: Atom, arity: Int) {
            self.module = module
            self.function = function
            self.arity = arity
        }
    }

    /// The flags of a spawn reply (`dist.h`, `ERTS_DIST_SPAWN_FLAG_*`).
    public struct SpawnReplyFlags: OptionSet, Sendable, Hashable {
        /// The flag bits; OTP refuses values of 2^27 and above.
        public var rawValue: Int

        /// Creates flags from their wire value.
        public init(rawValue: Int) {
            self.rawValue = rawValue
        }

        /// A link was set up between the parent and the new process.
        public static let link = Self(rawValue: 1)
        /// A monitor of the new process was set up for the parent.
        public static let monitor = Self(rawValue: 2)
    }

    /// The result of a spawn request.
    public enum SpawnResult: Sendable, Hashable {
        /// The new process.
        case pid(PID)
        /// Why no process was spawned (`badopt`, `system_limit`, `notsup`, ...).
        case error(Atom)

        /// The result as the control tuple carries it.
        public var term: Term {
            switch self {
            case .pid(let pid): .pid(pid)
            case .error(let reason): .atom(reason)
            }
        }
    }

    /// The flags of `ALTACT_SIG_SEND` (OTP 28 `dist.h`, `ERTS_DOP_ALTACT_SIG_FLG_*`).
    public struct AltactSigFlags: OptionSet, Sendable, Hashable {
        /// The flag bits (OTP reads only the low byte and ignores unknown bits).
        public var rawValue: UInt64

        /// Creates flags from their wire value.
        public init(rawValue: UInt64) {
            self.rawValue = rawValue
        }

        /// A priority message.
        public static let priority = Self(rawValue: 1 << 0)
        /// The control tuple carries a trace token.
        public static let token = Self(rawValue: 1 << 1)
        /// The target is an alias (a reference).
        public static let alias = Self(rawValue: 1 << 2)
        /// The target is a registered name.
        public static let name = Self(rawValue: 1 << 3)
        /// The payload is an exit reason, not a message.
        public static let exit = Self(rawValue: 1 << 4)
    }

    /// Whom an `ALTACT_SIG_SEND` signal is for.
    public enum AltactSigTarget: Sendable, Hashable {
        /// A process.
        case pid(PID)
        /// A process alias.
        case alias(Reference)
        /// A registered name.
        case name(Atom)

        /// The target as the control tuple carries it.
        public var term: Term {
            switch self {
            case .pid(let pid): .pid(pid)
            case .alias(let reference): .reference(reference)
            case .name(let name): .atom(name)
            }
        }
    }
}
