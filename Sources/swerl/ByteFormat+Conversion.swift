import ErlangTerm
import Foundation

extension ByteFormat {
    /// The ETF bytes that `input` holds in this format.
    func bytes(from input: Data) throws -> [UInt8] {
        switch self {
        case .raw: return Array(input)
        case .hex: return try Self.hexBytes(Self.withoutWhitespace(input))
        case .base64:
            guard let data = Data(base64Encoded: Data(Self.withoutWhitespace(input))) else {
                throw ErlangTermError(.syntax, "standard input is not base64")
            }
            return Array(data)
        }
    }

    /// `bytes` written in this format; the text formats end with a newline.
    func output(_ bytes: [UInt8]) -> Data {
        switch self {
        case .raw: Data(bytes)
        case .hex: Data((bytes.map { String(format: "%02x", $0) }.joined() + "\n").utf8)
        case .base64: Data((Data(bytes).base64EncodedString() + "\n").utf8)
        }
    }

    private static func withoutWhitespace(_ input: Data) -> [UInt8] {
        input.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
    }

    private static func hexBytes(_ text: [UInt8]) throws -> [UInt8] {
        guard text.count % 2 == 0 else {
            throw ErlangTermError(.syntax, "hex input has an odd number of digits (\(text.count))")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        for index in stride(from: 0, to: text.count, by: 2) {
            guard let high = hexValue(text[index]), let low = hexValue(text[index + 1]) else {
                throw ErlangTermError(.syntax, at: index, "hex input has a character that is not a hex digit")
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
