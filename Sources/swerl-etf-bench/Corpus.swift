#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A corpus file: a sequence of `<<Len:32/big, Blob:Len/binary>>`, each blob one versioned term.
struct Corpus {
    /// The file name without its directory and `.etf`.
    let name: String
    /// The blobs, in file order.
    let blobs: [[UInt8]]

    /// The sum of the blob sizes (length prefixes excluded): the bytes of one pass.
    var bytesPerPass: Int { blobs.reduce(0) { $0 + $1.count } }

    /// Reads and splits a corpus file.
    init(path: String) throws(UsageError) {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        name = base.hasSuffix(".etf") ? String(base.dropLast(4)) : base
        blobs = try Self.split(Self.readFile(path), path: path)
    }

    private static func readFile(_ path: String) throws(UsageError) -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw UsageError("cannot open \(path)") }
        defer { fclose(file) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            data.append(contentsOf: chunk[..<count])
        }
        guard ferror(file) == 0 else { throw UsageError("cannot read \(path)") }
        return data
    }

    private static func split(_ data: [UInt8], path: String) throws(UsageError) -> [[UInt8]] {
        var blobs: [[UInt8]] = []
        var offset = 0
        while offset < data.count {
            guard data.count - offset >= 4 else { throw UsageError("\(path): truncated length at \(offset)") }
            let length = data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            offset += 4
            guard data.count - offset >= length else { throw UsageError("\(path): truncated blob at \(offset)") }
            blobs.append(Array(data[offset..<offset + length]))
            offset += length
        }
        return blobs
    }
}
