import CompressNIO
import NIOCore

/// Encodes terms in Erlang's external term format, byte for byte as OTP 25's
/// `term_to_binary(Term, [{minor_version, N}])` writes them (maps of more than 32 keys are written
/// sorted, which OTP's `deterministic` option also does).
public struct ETFEncoder: Sendable {
    /// How atoms and floats are written, as `term_to_binary`'s `minor_version` option chooses.
    public enum MinorVersion: Int, Sendable {
        /// Floats as `FLOAT_EXT` text, Latin-1 atoms as `ATOM_EXT`.
        case v0 = 0
        /// `NEW_FLOAT_EXT`, Latin-1 atoms as `ATOM_EXT`: OTP 25's `term_to_binary/1` default.
        case v1 = 1
        /// `NEW_FLOAT_EXT` and UTF-8 atoms: the distribution's encoding, and OTP 26's default.
        case v2 = 2
    }

    /// The atom and float encodings.
    public var minorVersion: MinorVersion
    /// A zlib level (0 to 9) to compress with, as `{compressed, Level}`; nil writes no compression.
    /// OTP keeps the plain form when compression does not make the term smaller.
    public var compressionLevel: Int?

    /// Creates an encoder; the default matches `term_to_binary(T, [{minor_version, 2}])`.
    public init(minorVersion: MinorVersion = .v2, compressionLevel: Int? = nil) {
        self.minorVersion = minorVersion
        self.compressionLevel = compressionLevel
    }

    /// `term_to_binary(T, [compressed])`: level 6.
    public static let defaultCompressionLevel = 6

    /// Encodes `term` with the version byte 131.
    public func encode(_ term: Term) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try encode(term, into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Appends `term` with the version byte 131 to `buffer`.
    public func encode(_ term: Term, into buffer: inout ByteBuffer) throws {
        if let level = compressionLevel, level > 0 {
            try encodeCompressed(term, level: level, into: &buffer)
            return
        }
        try write(into: &buffer, atomCache: nil) { try $0.writeVersioned(term) }
    }

    /// Appends `term` without a version byte, as terms follow a distribution header. With an
    /// `atomCache`, each atom it takes is written as `ATOM_CACHE_REF`, as a distribution message's
    /// control term and payload are written when the header's atom cache is agreed.
    public func writeUnversioned(_ term: Term, into buffer: inout ByteBuffer, atomCache: (any ETFAtomCacheMap)? = nil) throws {
        try write(into: &buffer, atomCache: atomCache) { try $0.write(term) }
    }

    /// Appends the control tuple `{OpCode, First, Second[, Third]}` and then `payload`, each
    /// without a version byte and byte for byte as ``writeUnversioned(_:into:atomCache:)`` writes
    /// them, the tuple as if it were a ``Term``; returns the tuple's length. For the control
    /// messages of plain sends: building the tuple as a term (an array made and freed) and writing
    /// the two terms in two passes over the buffer were a third of encoding a small reply.
    package func writeUnversionedControl(
        opCode: UInt8, _ first: ETFControlField, _ second: ETFControlField, _ third: ETFControlField?,
        payload: Term?, into buffer: inout ByteBuffer, atomCache: (any ETFAtomCacheMap)?
    ) throws -> Int {
        var controlBytes = 0
        try write(into: &buffer, atomCache: atomCache) { writer in
            try writer.put(ETFTag.smallTuple, UInt8(third == nil ? 3 : 4))
            try writer.put(ETFTag.smallInteger, opCode)
            try writer.write(first)
            try writer.write(second)
            if let third { try writer.write(third) }
            controlBytes = writer.count
            if let payload { try writer.write(payload) }
        }
        return controlBytes
    }

    /// Runs `body` with a writer over the buffer's free capacity and keeps what it wrote. When the
    /// term does not fit, the buffer grows (at least doubling) and the term is written again from
    /// its start; a reused buffer soon has room for every term, so each is written once.
    private func write(
        into buffer: inout ByteBuffer, atomCache: (any ETFAtomCacheMap)?, _ body: (inout ETFWriter) throws -> Void
    ) throws {
        var room = max(buffer.writableBytes, 256)
        while true {
            do {
                try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { memory in
                    var writer = ETFWriter(
                        into: memory, latin1Atoms: minorVersion != .v2, oldFloats: minorVersion == .v0, atomCache: atomCache)
                    try body(&writer)
                    return writer.count
                }
                return
            } catch let overflow as ETFWriterOverflow {
                room = max(overflow.needed, 2 * overflow.capacity)
            }
        }
    }

    private func encodeCompressed(_ term: Term, level: Int, into buffer: inout ByteBuffer) throws {
        var body = ByteBuffer()
        try writeUnversioned(term, into: &body)
        let size = body.readableBytes
        // external.c, erts_term_to_binary_int: compressed only if the zlib stream fits in size - 5 bytes.
        let configuration = ZlibConfiguration(windowSize: 15, compressionLevel: Int32(min(level, 9)), memoryLevel: 8)
        var input = body
        let compressed = try? input.compress(with: .zlib(configuration: configuration))
        buffer.writeInteger(ETFTag.version)
        if let compressed, compressed.readableBytes <= size - 5 {
            buffer.writeInteger(ETFTag.compressed)
            buffer.writeInteger(UInt32(size))
            buffer.writeImmutableBuffer(compressed)
        } else {
            buffer.writeImmutableBuffer(body)
        }
    }
}

/// An element of a control tuple after its operation code, for
/// ``ETFEncoder/writeUnversionedControl(opCode:_:_:_:payload:into:atomCache:)``.
package enum ETFControlField: Sendable {
    case pid(PID)
    case atom(Atom)
}

extension ETFWriter {
    mutating func write(_ field: ETFControlField) throws {
        switch field {
        case .pid(let pid): try writePid(pid)
        case .atom(let atom): try writeAtom(atom)
        }
    }
}
