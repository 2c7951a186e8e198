import ErlangTerm

/// Walks the encoding of a message being reassembled, as its bytes arrive, to find large binaries
/// early enough that their bytes can go straight into their own arrays (``FragmentReassembly``).
///
/// It reads only tags and lengths, never builds a term, and resumes where the bytes ran out.
/// Anything it does not expect (a compressed term, an unknown tag, deep nesting, or more than
/// ``termBudget`` terms before a binary) makes it stop for good: the rest of the message is
/// then gathered as a whole and decoded as usual, so the scanner can only save work, never
/// change what is decoded. Lengths and arities follow `erl_ext_dist.md`.
struct LargeBinaryScanner: Sendable {
    /// A binary at least this long is gathered apart.
    static let threshold = 16 * 1024
    /// Terms walked before the scanner gives up: large binaries stand near the start of the
    /// messages that carry them (`{Tag, Ref, Binary}`), and walking a message of ten thousand
    /// pids would only cost time.
    static let termBudget = 256
    /// Deeper work than this ends the scan: the decoder refuses such nesting anyway.
    static let maxWork = 512

    private enum Work {
        /// This many terms follow (the control message and the payload are `.max`).
        case terms(Int)
        /// This many bytes follow that hold no term.
        case skip(Int)
    }

    private var work: [Work] = [.terms(.max)]
    private var budget = Self.termBudget
    /// How far the bytes have been walked.
    private(set) var position = 0

    /// Walks `bytes` (the message so far) from ``position``; returns the position of the next
    /// `BINARY_EXT` tag of at least ``threshold`` bytes and its length, with ``position`` just after
    /// its length field. Returns nil when the bytes run out or the scan has stopped.
    mutating func nextLargeBinary(in bytes: UnsafeRawBufferPointer) -> (tag: Int, length: Int)? {
        while let top = work.last {
            switch top {
            case .skip(let count):
                let taken = min(count, bytes.count - position)
                position += taken
                guard taken == count else {
                    work[work.count - 1] = .skip(count - taken)
                    return nil
                }
                work.removeLast()
            case .terms(let count):
                guard position < bytes.count else { return nil }
                guard budget > 0, work.count < Self.maxWork else { return stop() }
                guard let header = Self.headerLength(of: bytes[position]) else { return stop() }
                guard bytes.count - position >= header else { return nil }
                budget -= 1
                // The term is taken now, so that what it nests goes on top (a list's tail does
                // not deepen the work).
                if count == 1 { work.removeLast() } else { work[work.count - 1] = .terms(count - 1) }
                if let large = step(bytes, header: header) { return large }
            }
        }
        return nil
    }

    /// Walks over the bytes of the binary just found, which stay in the message.
    mutating func skip(_ length: Int) {
        work.append(.skip(length))
    }

    private mutating func stop() -> (tag: Int, length: Int)? {
        work = []
        return nil
    }

    /// Bytes from the tag to the end of the fixed fields that say what follows; nil for a tag
    /// the scanner does not walk (compressed, `LOCAL_EXT`, the removed `FUN_EXT`, 131, unknown).
    private static func headerLength(of tag: UInt8) -> Int? {
        switch tag {
        case ETFTag.nil, ETFTag.newPid, ETFTag.pid, ETFTag.newPort, ETFTag.port, ETFTag.v4Port,
            ETFTag.reference, ETFTag.export:
            1
        case ETFTag.smallInteger, ETFTag.atomCacheRef, ETFTag.smallAtom, ETFTag.smallAtomUTF8, ETFTag.smallTuple: 2
        case ETFTag.atom, ETFTag.atomUTF8, ETFTag.string, ETFTag.smallBig, ETFTag.newReference, ETFTag.newerReference: 3
        case ETFTag.integer, ETFTag.largeTuple, ETFTag.map, ETFTag.list, ETFTag.binary, ETFTag.newFun: 5
        case ETFTag.bitBinary, ETFTag.largeBig: 6
        case ETFTag.newFloat: 9
        case ETFTag.float: 32
        default: nil
        }
    }

    /// Takes the term whose `header` bytes are at ``position``: pushes what follows it.
    private mutating func step(_ bytes: UnsafeRawBufferPointer, header: Int) -> (tag: Int, length: Int)? {
        let tag = position
        func u8() -> Int { Int(bytes[tag + 1]) }
        func u16() -> Int { Int(bytes[tag + 1]) << 8 | Int(bytes[tag + 2]) }
        func u32() -> Int { Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: tag + 1, as: UInt32.self))) }
        position += header
        switch bytes[tag] {
        case ETFTag.smallAtom, ETFTag.smallAtomUTF8: work.append(.skip(u8()))
        case ETFTag.atom, ETFTag.atomUTF8, ETFTag.string: work.append(.skip(u16()))
        case ETFTag.smallTuple: push(terms: u8())
        case ETFTag.largeTuple: push(terms: u32())
        case ETFTag.map: push(terms: 2 * u32())
        case ETFTag.list: push(terms: u32() + 1)
        case ETFTag.binary:
            let length = u32()
            if length >= Self.threshold { return (tag, length) }
            work.append(.skip(length))
        case ETFTag.bitBinary: work.append(.skip(u32()))
        case ETFTag.smallBig: work.append(.skip(u8()))
        case ETFTag.largeBig: work.append(.skip(u32()))
        // The node atom comes first, then the fixed fields (`NEW_PID_EXT` and the others).
        case ETFTag.newPid, ETFTag.v4Port: pushNode(then: 12)
        case ETFTag.pid: pushNode(then: 9)
        case ETFTag.newPort: pushNode(then: 8)
        case ETFTag.port, ETFTag.reference: pushNode(then: 5)
        case ETFTag.newReference: pushNode(then: 1 + 4 * u16())
        case ETFTag.newerReference: pushNode(then: 4 + 4 * u16())
        case ETFTag.export: push(terms: 3)
        // NEW_FUN_EXT's size counts itself.
        case ETFTag.newFun:
            guard u32() >= 4 else { return stop() }
            work.append(.skip(u32() - 4))
        default: break
        }
        return nil
    }

    private mutating func push(terms count: Int) {
        if count > 0 { work.append(.terms(count)) }
    }

    private mutating func pushNode(then bytes: Int) {
        work.append(.skip(bytes))
        work.append(.terms(1))
    }
}
