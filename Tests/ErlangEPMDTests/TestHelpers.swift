import NIOCore

extension ByteBuffer {
    /// A buffer from hex digits; spaces are ignored.
    init(hex: String) {
        let digits = hex.filter { !$0.isWhitespace }.map { UInt8(String($0), radix: 16)! }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            bytes.append(digits[index] << 4 | digits[index + 1])
        }
        self.init(bytes: bytes)
    }

    /// The readable bytes as lowercase hex.
    var hex: String {
        readableBytesView.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}


import NIOConcurrencyHelpers

/// Collects values from any thread.
final class Recorder<Value: Sendable>: Sendable {
    private let box = NIOLockedValueBox<[Value]>([])

    func append(_ value: Value) {
        box.withLockedValue { $0.append(value) }
    }

    var values: [Value] {
        box.withLockedValue { $0 }
    }
}
