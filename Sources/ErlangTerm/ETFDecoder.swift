import CompressNIO
import NIOCore

/// Decodes Erlang's external term format, the bytes of `term_to_binary/1`.
///
/// Decoding never trusts a length field on its own: a list header claiming 2^32 elements with ten
/// bytes behind it fails at once, before anything is allocated. Depth, total size and big-integer
/// width are limited; every failure is an ``ErlangTermError`` with the byte offset.
public struct ETFDecoder: Sendable {
    /// Bounds on what one decode may build.
    public struct Limits: Sendable, Hashable {
        /// The deepest nesting of lists, tuples, maps and funs.
        public var maxDepth: Int
        /// The largest input, and the largest size a compressed term may inflate to, in bytes.
        public var maxSize: Int
        /// The widest big integer, in bytes of magnitude (OTP itself allows about 2 MiB).
        public var maxBigIntegerBytes: Int

        /// Creates limits.
        public init(maxDepth: Int = 2_000, maxSize: Int = 1 << 30, maxBigIntegerBytes: Int = 1 << 20) {
            self.maxDepth = maxDepth
            self.maxSize = maxSize
            self.maxBigIntegerBytes = maxBigIntegerBytes
        }

        /// The defaults: depth 2,000, 1 GiB, 1 MiB big integers.
        public static let `default` = Limits()
    }

    /// The limits in force.
    public var limits: Limits

    /// Creates a decoder.
    public init(limits: Limits = .default) {
        self.limits = limits
    }

    /// Decodes one term that starts with the version byte 131; trailing bytes are ignored, as
    /// `binary_to_term/1` ignores them.
    public func decode(_ bytes: [UInt8]) throws -> Term {
        try bytes.withUnsafeBytes { raw in
            try ETFReader.reading(raw, limits: limits) { try $0.readVersionedTerm() }
        }
    }

    /// Decodes one term that starts with the version byte 131 from the readable bytes of `buffer`.
    public func decode(_ buffer: ByteBuffer) throws -> Term {
        try buffer.withUnsafeReadableBytes { raw in
            try ETFReader.reading(raw, limits: limits) { try $0.readVersionedTerm() }
        }
    }

    /// Reads one term that starts with the version byte 131 and moves the reader index past it.
    public func read(from buffer: inout ByteBuffer) throws -> Term {
        let (term, consumed) = try buffer.withUnsafeReadableBytes { raw in
            try ETFReader.reading(raw, limits: limits) { (try $0.readVersionedTerm(), $0.offset) }
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        return term
    }

    /// Reads one term without a version byte, as terms follow a distribution header, resolving
    /// `ATOM_CACHE_REF` through `atomCache` (the atoms the header lists, in its order), and moves
    /// the reader index past it.
    public func readUnversioned(from buffer: inout ByteBuffer, atomCache: [Atom] = []) throws -> Term {
        let (term, consumed) = try buffer.withUnsafeReadableBytes { raw in
            try ETFReader.reading(raw, limits: limits, atomCache: atomCache) { (try $0.readTerm(depth: 0), $0.offset) }
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        return term
    }

    /// ``readUnversioned(from:atomCache:)`` for a buffer that lacks the bytes of the `detached`
    /// binaries: each `BINARY_EXT` at one of their positions (buffer indices) takes its array.
    /// Its body repeats the other's on purpose: routing every message through this one, or both
    /// through a shared private function, made small messages 20–40 ns slower to read
    /// (`swerl-dist-codec-bench`, five alternated pairs).
    package func readUnversioned(
        from buffer: inout ByteBuffer, atomCache: [Atom], detached: [DetachedBinary]
    ) throws -> Term {
        let binaries = DetachedBinaries(detached, base: buffer.readerIndex)
        let (term, consumed) = try buffer.withUnsafeReadableBytes { raw in
            try ETFReader.reading(raw, limits: limits, atomCache: atomCache, detached: binaries) {
                (try $0.readTerm(depth: 0), $0.offset)
            }
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        return term
    }
}

/// The cursor that does the decoding work over raw bytes.
struct ETFReader {
    let bytes: UnsafeRawBufferPointer
    let limits: ETFDecoder.Limits
    let atomCache: [Atom]
    /// Added to every offset in errors, for terms inflated from a compressed envelope.
    let offsetBase: Int
    var offset = 0
    /// What this decode has made and may share again; see ``reading(_:limits:atomCache:offsetBase:detached:_:)``.
    let memos: UnsafeMutablePointer<DecodeMemos>

    private init(
        _ bytes: UnsafeRawBufferPointer, limits: ETFDecoder.Limits, atomCache: [Atom], offsetBase: Int,
        memos: UnsafeMutablePointer<DecodeMemos>
    ) {
        self.bytes = bytes
        self.limits = limits
        self.atomCache = atomCache
        self.offsetBase = offsetBase
        self.memos = memos
    }

    /// Runs `body` with a reader over `bytes`. The decode's memos live on this function's stack
    /// and the reader holds only a pointer to them: they die with the decode, and the reader stays
    /// small enough to be passed around in registers (a larger one was copied whole on every call).
    static func reading<Result>(
        _ bytes: UnsafeRawBufferPointer, limits: ETFDecoder.Limits, atomCache: [Atom] = [], offsetBase: Int = 0,
        detached: DetachedBinaries = DetachedBinaries(), _ body: (inout ETFReader) throws -> Result
    ) rethrows -> Result {
        var memos = DecodeMemos(detached: detached)
        return try withUnsafeMutablePointer(to: &memos) { memos in
            var reader = ETFReader(bytes, limits: limits, atomCache: atomCache, offsetBase: offsetBase, memos: memos)
            return try body(&reader)
        }
    }

    // The offset never passes the end, so this cannot overflow.
    var remaining: Int { bytes.count &- offset }

    func error(_ code: ErlangTermError.Code, _ detail: String, at position: Int? = nil) -> ErlangTermError {
        ErlangTermError(code, at: offsetBase + (position ?? offset), detail)
    }

    // Every read goes through `need`, so it must inline to a compare and a branch. The error is
    // built and thrown out of line by a static function given plain values: an error built
    // inline, or a method called on the reader, would take stack space (a copy of the reader) in
    // every frame of the recursive descent, once per inlined check.
    @inline(__always)
    func need(_ count: Int) throws {
        guard count <= remaining else {
            try Self.throwTruncated(needing: count, remaining: remaining, at: offsetBase + offset)
        }
    }

    @inline(never)
    static func throwTruncated(needing count: Int, remaining: Int, at position: Int) throws -> Never {
        throw ErlangTermError(.truncated, at: position, "needs \(count) more bytes, \(remaining) left")
    }

    @inline(__always)
    mutating func u8() throws -> UInt8 {
        try need(1)
        defer { offset &+= 1 }
        return bytes[offset]
    }

    @inline(__always)
    mutating func u16() throws -> UInt16 {
        try need(2)
        defer { offset &+= 2 }
        return UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    mutating func u32() throws -> UInt32 {
        try need(4)
        defer { offset &+= 4 }
        return UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    mutating func u64() throws -> UInt64 {
        try need(8)
        defer { offset &+= 8 }
        return UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    // `Array(unsafeUninitializedCapacity:)` would call an unspecialised runtime function that
    // looks up type metadata on every call; this initialiser is specialised and copies with memcpy.
    mutating func byteArray(_ count: Int) throws -> [UInt8] {
        Array(try slice(count))
    }

    @inline(__always)
    mutating func slice(_ count: Int) throws -> UnsafeRawBufferPointer {
        try need(count)
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    /// Checks a count against what is left: each of `count` items needs at least `bytesEach` bytes,
    /// so a hostile header fails here instead of allocating.
    @inline(__always)
    func plausible(_ count: Int, bytesEach: Int, what: @autoclosure () -> String) throws {
        guard count <= remaining / bytesEach else {
            try Self.throwImplausible(count, what: what(), remaining: remaining, at: offsetBase + offset)
        }
    }

    @inline(never)
    static func throwImplausible(_ count: Int, what: String, remaining: Int, at position: Int) throws -> Never {
        throw ErlangTermError(.truncated, at: position, "\(what) of \(count) cannot fit in the \(remaining) bytes left")
    }

    mutating func readVersionedTerm() throws -> Term {
        guard bytes.count <= limits.maxSize else {
            throw error(.sizeLimitExceeded, "input of \(bytes.count) bytes is over the limit of \(limits.maxSize)")
        }
        let version = try u8()
        guard version == ETFTag.version else {
            throw error(.missingVersion, "starts with \(version), not the version byte 131", at: 0)
        }
        guard remaining > 0 else { throw error(.truncated, "nothing after the version byte") }
        switch bytes[offset] {
        case ETFTag.compressed:
            offset += 1
            return try readCompressed()
        case ETFTag.local:
            offset += 1
            return .local(LocalTerm(bytes: try byteArray(remaining)))
        default:
            return try readTerm(depth: 0)
        }
    }
}
