/// The capability flags two nodes exchange in the handshake (`kernel/include/dist.hrl`, `DFLAG_*`).
///
/// Each side sends its own flags once; both then use ``agreed(with:)``, the intersection after
/// expanding the OTP 25 digest bit, for what they send and what they accept.
public struct DistributionFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The 64-bit flag word of the version 6 handshake.
    public var rawValue: UInt64

    /// Creates flags from their wire value.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// A visible node: it takes part in `global` and `nodes()` lists it.
    public static let published = Self(rawValue: 0x1)
    /// References with several words (M25).
    public static let extendedReferences = Self(rawValue: 0x4)
    /// Monitors of remote processes.
    public static let distMonitor = Self(rawValue: 0x8)
    /// Funs have their own tags (M25).
    public static let funTags = Self(rawValue: 0x10)
    /// Monitors of registered names on remote nodes.
    public static let distMonitorName = Self(rawValue: 0x20)
    /// `NEW_FUN_EXT` (M25).
    public static let newFunTags = Self(rawValue: 0x80)
    /// Pids and ports with full node information (M25).
    public static let extendedPidsPorts = Self(rawValue: 0x100)
    /// `EXPORT_EXT` (M25).
    public static let exportPtrTag = Self(rawValue: 0x200)
    /// `BIT_BINARY_EXT` (M25).
    public static let bitBinaries = Self(rawValue: 0x400)
    /// `NEW_FLOAT_EXT` (M25).
    public static let newFloats = Self(rawValue: 0x800)
    /// Unicode-aware I/O protocol.
    public static let unicodeIO = Self(rawValue: 0x1000)
    /// The distribution header with its atom cache.
    public static let distHeaderAtomCache = Self(rawValue: 0x2000)
    /// `SMALL_ATOM_EXT` understood.
    public static let smallAtomTags = Self(rawValue: 0x4000)
    /// UTF-8 atoms (M25).
    public static let utf8Atoms = Self(rawValue: 0x10000)
    /// `MAP_EXT` (M25).
    public static let mapTag = Self(rawValue: 0x20000)
    /// 32-bit creations (M25).
    public static let bigCreation = Self(rawValue: 0x40000)
    /// `SEND_SENDER` instead of `SEND`.
    public static let sendSender = Self(rawValue: 0x80000)
    /// Any term as a seq_trace label.
    public static let bigSeqtraceLabels = Self(rawValue: 0x100000)
    /// Exit reasons as a payload (`PAYLOAD_EXIT` and friends).
    public static let exitPayload = Self(rawValue: 0x400000)
    /// Fragmented messages.
    public static let fragments = Self(rawValue: 0x800000)
    /// The version 6 handshake (M25).
    public static let handshake23 = Self(rawValue: 0x100_0000)
    /// The link protocol with `UNLINK_ID` (mandatory from OTP 26).
    public static let unlinkID = Self(rawValue: 0x200_0000)
    /// "I have every M25 flag": a peer of OTP 25 or later expands it to those 11 bits.
    public static let mandatory25Digest = Self(rawValue: 0x400_0000)
    /// `SPAWN_REQUEST` and `SPAWN_REPLY`.
    public static let spawn = Self(rawValue: 1 << 32)
    /// A request for a dynamic node name (handshake only).
    public static let nameMe = Self(rawValue: 1 << 33)
    /// Full 32-bit pid fields, 64-bit port numbers, references of up to 5 words (mandatory from OTP 26).
    public static let v4NC = Self(rawValue: 1 << 34)
    /// Process aliases (`ALIAS_SEND`).
    public static let alias = Self(rawValue: 1 << 35)
    /// `ALTACT_SIG_SEND` (OTP 28).
    public static let altactSig = Self(rawValue: 1 << 37)

    /// The 11 flags OTP 25 requires (`MANDATORY_DFLAGS_25`).
    public static let mandatory25: Self = [
        .extendedReferences, .funTags, .newFunTags, .extendedPidsPorts, .exportPtrTag, .bitBinaries,
        .newFloats, .utf8Atoms, .mapTag, .bigCreation, .handshake23,
    ]
    /// What OTP 26 to 28 require on top of ``mandatory25`` (`DFLAG_DIST_MANDATORY_26`).
    public static let mandatory26: Self = [.v4NC, .unlinkID]
    /// What a peer must have for Swerl to talk to it: the OTP 26 mandatory set, which OTP 25 nodes also have.
    public static let required: Self = mandatory25.union(mandatory26)

    /// What Swerl advertises (distribution.md §3.5, tier 3, without `published`).
    public static let swerlDefault: Self = required.union([
        .mandatory25Digest, .distMonitor, .distMonitorName, .sendSender, .exitPayload, .bigSeqtraceLabels,
        .unicodeIO, .spawn, .alias, .fragments, .distHeaderAtomCache,
    ])

    /// These flags with the OTP 25 digest bit expanded (`dist_util:expand_mandatory_25_flag/1`).
    public var expanded: Self {
        contains(.mandatory25Digest) ? union(Self.mandatory25) : self
    }

    /// The flags both sides use: ours AND the peer's expanded flags (`dist_util:adjust_flags/2`).
    public func agreed(with peer: Self) -> Self {
        intersection(peer.expanded)
    }

    /// The required flags the peer lacks (empty when it may connect).
    public func missingRequired(for required: Self = Self.required) -> Self {
        required.subtracting(expanded)
    }

    /// The flags by name, as `dist_util:dflag2str/1` names them.
    public var description: String {
        let names = Self.names.filter { contains($0.flag) }.map(\.name)
        let known = Self.names.reduce(Self()) { $0.union($1.flag) }
        let unknown = subtracting(known).rawValue
        return (names + (unknown == 0 ? [] : ["0x" + String(unknown, radix: 16)])).joined(separator: "|")
    }

    private static let names: [(flag: Self, name: String)] = [
        (.published, "PUBLISHED"), (.extendedReferences, "EXTENDED_REFERENCES"), (.distMonitor, "DIST_MONITOR"),
        (.funTags, "FUN_TAGS"), (.distMonitorName, "DIST_MONITOR_NAME"), (.newFunTags, "NEW_FUN_TAGS"),
        (.extendedPidsPorts, "EXTENDED_PIDS_PORTS"), (.exportPtrTag, "EXPORT_PTR_TAG"), (.bitBinaries, "BIT_BINARIES"),
        (.newFloats, "NEW_FLOATS"), (.unicodeIO, "UNICODE_IO"), (.distHeaderAtomCache, "DIST_HDR_ATOM_CACHE"),
        (.smallAtomTags, "SMALL_ATOM_TAGS"), (.utf8Atoms, "UTF8_ATOMS"), (.mapTag, "MAP_TAG"),
        (.bigCreation, "BIG_CREATION"), (.sendSender, "SEND_SENDER"), (.bigSeqtraceLabels, "BIG_SEQTRACE_LABELS"),
        (.exitPayload, "EXIT_PAYLOAD"), (.fragments, "FRAGMENTS"), (.handshake23, "HANDSHAKE_23"),
        (.unlinkID, "UNLINK_ID"), (.mandatory25Digest, "MANDATORY_25_DIGEST"), (.spawn, "SPAWN"),
        (.nameMe, "NAME_ME"), (.v4NC, "V4_NC"), (.alias, "ALIAS"), (.altactSig, "ALTACT_SIG"),
    ]
}
