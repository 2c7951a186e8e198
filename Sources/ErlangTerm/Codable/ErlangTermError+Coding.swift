extension ErlangTermError {
    /// A Swift encoding error thrown by a type's own `encode(to:)`, with its coding path.
    init(bridging error: EncodingError) {
        switch error {
        case .invalidValue(_, let context):
            self = .coding(.unencodable, at: context.codingPath, context.debugDescription)
        @unknown default:
            self = .coding(.unencodable, at: [], "\(error)")
        }
    }

    /// A Swift decoding error thrown by a type's own `init(from:)` (a `RawRepresentable` enum
    /// meeting an unknown raw value, say), with its coding path.
    init(bridging error: DecodingError) {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            self = .coding(at: context.codingPath, context.debugDescription)
        case .keyNotFound(let key, let context):
            self = .coding(at: context.codingPath + [key], "missing: \(context.debugDescription)")
        @unknown default:
            self = .coding(at: [], "\(error)")
        }
    }
}
