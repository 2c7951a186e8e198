extension TermDecodingContext {
    /// A string from a binary (UTF-8), a charlist or an atom.
    ///
    /// The atoms `nil` and `undefined` are missing values, not text, unless this type's strings
    /// are atoms (``TermStringEncoding/atom``): an Elixir `nil` must not become the string "nil".
    func string(from term: Term, at path: [any CodingKey]) throws -> String {
        switch term {
        case .binary(let bytes):
            let text = String(decoding: bytes, as: UTF8.self)
            // Decoding replaces invalid sequences, so a changed byte count or content means invalid UTF-8.
            guard text.utf8.elementsEqual(bytes) else { throw mismatch(term, path, expected: "a UTF-8 binary") }
            return text
        case .string(let bytes):
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case .list(let elements):
            return try charlist(elements, term, path)
        case .atom(let atom) where stringEncoding == .atom || !TermNilEncoding.isNil(term):
            return atom.name
        default:
            throw mismatch(term, path, expected: expectedString)
        }
    }

    /// A double from a float or an integer.
    func double(from term: Term, at path: [any CodingKey]) throws -> Double {
        switch term {
        case .float(let value): return value
        case .integer(let value): return Double(value)
        case .bigInteger(let value) where value.doubleValue.isFinite: return value.doubleValue
        default: throw mismatch(term, path, expected: "a float")
        }
    }

    /// Bytes from a binary, or from a list of integers 0 to 255.
    func bytes(from term: Term, at path: [any CodingKey]) throws -> [UInt8] {
        if case .binary(let bytes) = term { return bytes }
        if case .string(let bytes) = term { return bytes }
        let bytes = term.listElements?.compactMap { element in element.intValue.flatMap { UInt8(exactly: $0) } }
        guard let bytes, bytes.count == term.listElements?.count else {
            throw mismatch(term, path, expected: "a binary")
        }
        return bytes
    }

    private func charlist(_ elements: [Term], _ term: Term, _ path: [any CodingKey]) throws -> String {
        var scalars = String.UnicodeScalarView()
        for element in elements {
            guard let code = element.intValue.flatMap(UInt32.init(exactly:)), let scalar = Unicode.Scalar(code) else {
                throw mismatch(term, path, expected: "a charlist of Unicode code points")
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    private var expectedString: String {
        switch stringEncoding {
        case .binary: return "a binary"
        case .charlist: return "a charlist"
        case .atom: return "an atom"
        }
    }

    private func mismatch(_ term: Term, _ path: [any CodingKey], expected: String) -> ErlangTermError {
        ErlangTermError.mismatch(at: path, expected: expected, found: term)
    }
}
