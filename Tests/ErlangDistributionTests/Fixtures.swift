import ErlangDistribution
import Foundation
import ErlangTerm
import NIOCore

/// The nodes, pids and flag sets of distribution.md §4.7: OTP 25.2.3 `dlb@vm` (creation
/// 0x6b081d3d) talking to the foreign `dlpy@vm` (creation 0x12345678).
enum Fixtures {
    static let dlb: Atom = "dlb@vm"
    static let dlpy: Atom = "dlpy@vm"
    /// `<dlb@vm.85.0>`.
    static let dlb85 = PID(node: dlb, id: 85, serial: 0, creation: 0x6b08_1d3d)
    /// `<dlpy@vm.1.0>`.
    static let dlpy1 = PID(node: dlpy, id: 1, serial: 0, creation: 0x1234_5678)
    /// The bytes of `dlb85` in `NEW_PID_EXT`.
    static let dlb85Bytes = "587706646c6240766d00000055000000006b081d3d"
    /// The bytes of `dlpy1` in `NEW_PID_EXT`.
    static let dlpy1Bytes = "587707646c707940766d000000010000000012345678"

    /// Tier 1 of distribution.md §3.5 (pass-through), visible.
    static let passThroughFlags = DistributionFlags(rawValue: 0x0000_000D_075F_1FBD)
    /// Tier 2: tier 1 and FRAGMENTS.
    static let fragmentFlags = DistributionFlags(rawValue: 0x0000_000D_07DF_1FBD)
    /// Tier 3: tier 2 and DIST_HDR_ATOM_CACHE.
    static let atomCacheFlags = DistributionFlags(rawValue: 0x0000_000D_07DF_3FBD)
    /// DIST_HDR_ATOM_CACHE without FRAGMENTS.
    static let atomCacheOnlyFlags = passThroughFlags.union(.distHeaderAtomCache)
    /// Every framing a connection can run with, by name (with OTP 28's ALTACT_SIG, so that every
    /// control message may be sent).
    static let modes: [(name: String, flags: DistributionFlags)] = [
        ("pass-through", passThroughFlags), ("fragments", fragmentFlags), ("atom cache", atomCacheOnlyFlags),
        ("atom cache and fragments", atomCacheFlags),
    ].map { ($0.0, $0.1.union(.altactSig)) }

    static func reference(_ node: Atom = dlb, _ ids: [UInt32] = [0xbced, 0xaeec_0001, 0x8190_ade4], creation: UInt32 = 0x6b08_1d3d) -> Reference {
        Reference(node: node, ids: ids, creation: creation)
    }
}

/// Bytes from hex text; spaces, `|` and the placeholders `<dlb.85>` and `<dlpy.1>` are allowed.
func hex(_ text: String) -> [UInt8] {
    let expanded = text
        .replacingOccurrences(of: "<dlb.85>", with: Fixtures.dlb85Bytes)
        .replacingOccurrences(of: "<dlpy.1>", with: Fixtures.dlpy1Bytes)
    let digits = expanded.filter(\.isHexDigit)
    precondition(digits.count % 2 == 0, "odd number of hex digits in \(text)")
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

/// The readable bytes of a buffer.
func bytes(_ buffer: ByteBuffer) -> [UInt8] {
    Array(buffer.readableBytesView)
}

/// A buffer holding `bytes`.
func buffer(_ bytes: [UInt8]) -> ByteBuffer {
    ByteBuffer(bytes: bytes)
}

/// The error a throwing expression raised, if it was a ``DistributionError``.
func distributionError(_ body: () throws -> Void) -> DistributionError? {
    do {
        try body()
        return nil
    } catch let error as DistributionError {
        return error
    } catch {
        return nil
    }
}
