import CompressNIO
import NIOCore

extension ETFReader {
    /// zlib cannot inflate more than about 1032 bytes from one input byte (zlib's technical
    /// details); a declared size beyond that is a lie, refused before allocating.
    static let maxInflateRatio = 1032

    /// Reads `80, u32 UncompressedSize, zlib stream` (erl_ext_dist.md, "compressed term").
    mutating func readCompressed() throws -> Term {
        let start = offset - 1
        let declared = Int(try u32())
        guard declared <= limits.maxSize else {
            throw error(.sizeLimitExceeded, "compressed term inflates to \(declared) bytes, over \(limits.maxSize)", at: start)
        }
        guard declared <= remaining * Self.maxInflateRatio else {
            throw error(.invalidCompression, "\(remaining) zlib bytes cannot inflate to \(declared)", at: start)
        }
        var input = ByteBuffer(bytes: try slice(remaining))
        let output: ByteBuffer
        do {
            output = try input.decompress(with: .zlib(), maxSize: declared)
        } catch {
            throw self.error(.invalidCompression, "zlib data is corrupt or longer than declared (\(error))", at: start)
        }
        guard output.readableBytes == declared else {
            throw error(.invalidCompression, "inflated to \(output.readableBytes) bytes, \(declared) declared", at: start)
        }
        return try output.withUnsafeReadableBytes { raw in
            try ETFReader.reading(raw, limits: limits, atomCache: atomCache, offsetBase: start + 5) { try $0.readTerm(depth: 0) }
        }
    }
}
