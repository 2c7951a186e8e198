import ErlangTerm

extension ControlMessage {
    /// Reads the control tuple of a plain send, `{22, FromPid, ToPid}` (`SEND_SENDER`),
    /// `{2, Unused, ToPid}` (`SEND`) or `{6, FromPid, Unused, ToName}` (`REG_SEND`), straight from
    /// `bytes` after a distribution header, when every atom in it is an atom cache reference to
    /// one of `atoms` (as OTP writes them) and every pid is a `NEW_PID_EXT`. Returns the message and
    /// the bytes it took, or nil for any other shape, which the general path then decodes, checks
    /// and reports on exactly as before.
    ///
    /// These are most of the traffic, and decoding them as a tuple of terms, then checking that
    /// tuple, made and freed an array and three terms per message: about a tenth of the receiving
    /// peer's time in the throughput benchmark.
    static func readPlain(from bytes: UnsafeRawBufferPointer, atoms: [Atom]) -> (ControlMessage, Int)? {
        var reader = PlainControlReader(bytes: bytes, atoms: atoms)
        guard let message = reader.read() else { return nil }
        return (message, reader.position)
    }
}

/// The cursor of ``ControlMessage/readPlain(from:atoms:)``: each read returns nil when the bytes are
/// not what the plain shape has there, never an error.
private struct PlainControlReader {
    let bytes: UnsafeRawBufferPointer
    let atoms: [Atom]
    var position = 0

    mutating func read() -> ControlMessage? {
        guard let arity = tag(ETFTag.smallTuple), let code = tag(ETFTag.smallInteger) else { return nil }
        switch (arity, code) {
        case (3, 22):
            guard let from = pid(), let to = pid() else { return nil }
            return .sendSender(from: from, to: to)
        case (3, 2):
            guard atom() != nil, let to = pid() else { return nil }
            return .send(to: to)
        case (4, 6):
            guard let from = pid(), atom() != nil, let name = atom() else { return nil }
            return .regSend(from: from, to: name)
        default:
            return nil
        }
    }

    /// The byte after `expected`, when the next byte is `expected`.
    private mutating func tag(_ expected: UInt8) -> UInt8? {
        guard bytes.count - position >= 2, bytes[position] == expected else { return nil }
        defer { position += 2 }
        return bytes[position + 1]
    }

    private mutating func atom() -> Atom? {
        guard let index = tag(ETFTag.atomCacheRef), Int(index) < atoms.count else { return nil }
        return atoms[Int(index)]
    }

    // NEW_PID_EXT: the node atom, then ID, Serial and Creation as 32-bit big-endian words.
    private mutating func pid() -> PID? {
        guard bytes.count - position >= 1, bytes[position] == ETFTag.newPid else { return nil }
        position += 1
        guard let node = atom(), bytes.count - position >= 12 else { return nil }
        let id = word(at: position)
        let serial = word(at: position + 4)
        let creation = word(at: position + 8)
        position += 12
        return PID(node: node, id: id, serial: serial, creation: creation)
    }

    private func word(at offset: Int) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
