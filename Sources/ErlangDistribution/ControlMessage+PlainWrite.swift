import ErlangTerm

extension ControlMessage {
    /// The control tuple of a plain send as its operation code and fields, for
    /// `ETFEncoder.writeUnversionedControl`, which writes it without building it as a term: the
    /// `SEND_SENDER`, `SEND` and `REG_SEND` tuples that ``term`` makes. Nil for other messages.
    var plainFields: (opCode: UInt8, ETFControlField, ETFControlField, ETFControlField?)? {
        switch self {
        case .sendSender(let from, let to): (UInt8(OpCode.sendSender.rawValue), .pid(from), .pid(to), nil)
        case .send(let to): (UInt8(OpCode.send.rawValue), Self.unusedField, .pid(to), nil)
        case .regSend(let from, let to): (UInt8(OpCode.regSend.rawValue), .pid(from), Self.unusedField, .atom(to))
        default: nil
        }
    }

    // The empty atom of the "unused" slot, as ``term`` writes it.
    private static let unusedField = ETFControlField.atom("")
}
