import NIOCore

extension EPMDResponse {
    /// Reads the reply to a request of `kind`, or returns `nil` (consuming nothing) when more
    /// bytes are needed. NAMES and DUMP replies end only at EOF: pass `atEOF: true` once the
    /// daemon has closed. Offsets in errors count from the reply's first byte.
    ///
    /// - Parameter maximumTextLength: the most bytes a NAMES or DUMP reply may take.
    public static func read(
        from buffer: inout ByteBuffer,
        replyingTo kind: EPMDRequest.Kind,
        atEOF: Bool,
        maximumTextLength: Int = 1 << 20
    ) throws -> EPMDResponse? {
        let start = buffer.readerIndex
        let response: EPMDResponse?
        switch kind {
        case .alive2: response = try Alive2.read(from: &buffer).map(EPMDResponse.alive2)
        case .portPlease2: response = try Port2.read(from: &buffer).map(EPMDResponse.port2)
        case .kill: response = try Kill.read(from: &buffer).map(EPMDResponse.kill)
        case .stop: response = try Stop.read(from: &buffer, atEOF: atEOF).map(EPMDResponse.stop)
        case .names, .dump:
            guard buffer.readableBytes <= maximumTextLength else {
                throw EPMDError(.responseTooLarge, "reply longer than \(maximumTextLength) bytes", offset: maximumTextLength)
            }
            guard atEOF else { return nil }
            response = kind == .names ? try Names.read(from: &buffer).map(EPMDResponse.names) : try Dump.read(from: &buffer).map(EPMDResponse.dump)
        }
        if response == nil {
            buffer.moveReaderIndex(to: start)
            if atEOF {
                throw EPMDError(.connectionClosed, "the daemon closed the connection after \(buffer.readableBytes) bytes of a reply")
            }
        }
        return response
    }
}

extension EPMDResponse.Alive2 {
    static func read(from buffer: inout ByteBuffer) throws -> Self? {
        guard let code = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        switch code {
        case EPMDResponse.Code.alive2Extended:
            guard buffer.readableBytes >= 6 else { return nil }
            let (_, result, creation) = buffer.readMultipleIntegers(as: (UInt8, UInt8, UInt32).self)!
            return Self(format: .extended, result: result, creation: creation)
        case EPMDResponse.Code.alive2Legacy:
            guard buffer.readableBytes >= 4 else { return nil }
            let (_, result, creation) = buffer.readMultipleIntegers(as: (UInt8, UInt8, UInt16).self)!
            return Self(format: .legacy, result: result, creation: UInt32(creation))
        default:
            throw EPMDError(.malformedResponse, "ALIVE2 reply starts with \(code), not 118 or 121", offset: 0)
        }
    }
}

extension EPMDResponse.Port2 {
    static func read(from buffer: inout ByteBuffer) throws -> Self? {
        guard let (code, result) = buffer.getMultipleIntegers(at: buffer.readerIndex, as: (UInt8, UInt8).self) else {
            return nil
        }
        guard code == EPMDResponse.Code.port2 else {
            throw EPMDError(.malformedResponse, "PORT_PLEASE2 reply starts with \(code), not 119", offset: 0)
        }
        guard result == 0 else {
            buffer.moveReaderIndex(forwardBy: 2)
            return .notFound(result: result)
        }
        var fields = buffer.getSlice(at: buffer.readerIndex + 2, length: buffer.readableBytes - 2)!
        guard let node = fields.readNodeRecord() else { return nil }
        buffer.moveReaderIndex(forwardBy: 2 + fields.readerIndex)
        return .found(node)
    }
}

extension EPMDResponse.Kill {
    static func read(from buffer: inout ByteBuffer) throws -> Self? {
        guard let text = buffer.getString(at: buffer.readerIndex, length: 2) else { return nil }
        switch text {
        case "OK": buffer.moveReaderIndex(forwardBy: 2); return Self(accepted: true)
        case "NO": buffer.moveReaderIndex(forwardBy: 2); return Self(accepted: false)
        default: throw EPMDError(.malformedResponse, "KILL reply is neither OK nor NO", offset: 0)
        }
    }
}

extension EPMDResponse.Stop {
    static func read(from buffer: inout ByteBuffer, atEOF: Bool) throws -> Self? {
        guard let first = buffer.getString(at: buffer.readerIndex, length: 7) else { return nil }
        switch first {
        case "STOPPED":
            buffer.moveReaderIndex(forwardBy: 7)
            return Self(nodeExisted: true)
        case "NOEXIST":
            // epmd writes NOEXIST, closes the node's socket, then writes STOPPED; should that
            // last write fail, EOF after NOEXIST still means the name was unknown.
            guard let second = buffer.getString(at: buffer.readerIndex + 7, length: 7) else {
                guard atEOF else { return nil }
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                return Self(nodeExisted: false)
            }
            guard second == "STOPPED" else {
                throw EPMDError(.malformedResponse, "STOP reply NOEXIST is not followed by STOPPED", offset: 7)
            }
            buffer.moveReaderIndex(forwardBy: 14)
            return Self(nodeExisted: false)
        default:
            throw EPMDError(.malformedResponse, "STOP reply is neither STOPPED nor NOEXIST", offset: 0)
        }
    }
}

extension EPMDResponse.Names {
    // erl_epmd.erl scan_names: complete lines only; a line that does not parse is skipped.
    static func read(from buffer: inout ByteBuffer) throws -> Self? {
        guard let epmdPort = buffer.readInteger(as: UInt32.self) else { return nil }
        let text = buffer.readBytes(length: buffer.readableBytes) ?? []
        let lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        let nodes = lines.compactMap { parseLine(ArraySlice($0)) }
        return Self(epmdPort: epmdPort, nodes: nodes)
    }

    private static func parseLine(_ line: ArraySlice<UInt8>) -> Entry? {
        guard line.starts(with: "name ".utf8),
            let (name, port) = line.dropFirst(5).splitLast(separator: " at port ")
        else { return nil }
        guard let port = UInt16(String(decoding: port, as: UTF8.self)) else { return nil }
        return Entry(name: String(decoding: name, as: UTF8.self), port: port)
    }
}

extension EPMDResponse.Dump {
    static func read(from buffer: inout ByteBuffer) throws -> Self? {
        guard let epmdPort = buffer.readInteger(as: UInt32.self) else { return nil }
        let text = buffer.readBytes(length: buffer.readableBytes) ?? []
        var dump = Self(epmdPort: epmdPort, active: [], old: [])
        for line in text.split(separator: 0) {
            if line.starts(with: "active name     <".utf8), let entry = parseActive(line.dropFirst(17)) {
                dump.active.append(entry)
            } else if line.starts(with: "old/unused name <".utf8), let entry = parseOld(line.dropFirst(17)) {
                dump.old.append(entry)
            }
        }
        return dump
    }

    // "NAME> at port P, fd = FD\n"
    private static func parseActive(_ rest: ArraySlice<UInt8>) -> Entry? {
        guard let (name, tail) = rest.splitLast(separator: "> at port "),
            let (port, fd) = tail.splitLast(separator: ", fd = ")
        else { return nil }
        return entry(name: name, port: port, fd: fd.dropLast(1))
    }

    // "NAME>, port = P, fd = FD \n"
    private static func parseOld(_ rest: ArraySlice<UInt8>) -> Entry? {
        guard let (name, tail) = rest.splitLast(separator: ">, port = "),
            let (port, fd) = tail.splitLast(separator: ", fd = ")
        else { return nil }
        return entry(name: name, port: port, fd: fd.dropLast(2))
    }

    private static func entry(name: ArraySlice<UInt8>, port: ArraySlice<UInt8>, fd: ArraySlice<UInt8>) -> Entry? {
        guard let port = UInt16(String(decoding: port, as: UTF8.self)),
            let fd = Int32(String(decoding: fd, as: UTF8.self))
        else { return nil }
        return Entry(name: String(decoding: name, as: UTF8.self), port: port, fd: fd)
    }
}

extension ArraySlice<UInt8> {
    /// Splits at the last occurrence of `separator`, or `nil` when it does not occur.
    func splitLast(separator: String) -> (ArraySlice<UInt8>, ArraySlice<UInt8>)? {
        let needle = Array(separator.utf8)
        guard count >= needle.count else { return nil }
        var index = endIndex - needle.count
        while index >= startIndex {
            if self[index..<index + needle.count].elementsEqual(needle) {
                return (self[startIndex..<index], self[(index + needle.count)...])
            }
            index -= 1
        }
        return nil
    }
}
