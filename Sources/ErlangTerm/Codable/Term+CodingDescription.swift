extension Term {
    /// A short description for bridge errors: the value of a number or atom, the kind and size of
    /// anything else, so an error never carries a message's payload.
    var codingDescription: String {
        switch self {
        case .integer(let value): return String(value)
        case .bigInteger(let value): return value.bitWidth <= 128 ? value.description : "an integer of \(value.bitWidth) bits"
        case .float(let value): return String(value)
        case .atom(let atom): return "the atom \(atom.name)"
        case .binary(let bytes): return "a binary of \(Self.counted(bytes.count, "byte"))"
        case .bitstring(let bytes, let bits): return "a bitstring of \(Self.counted((bytes.count - 1) * 8 + Int(bits), "bit"))"
        case .tuple(let elements): return "a tuple of \(Self.counted(elements.count, "element"))"
        case .list(let elements): return elements.isEmpty ? "[]" : "a list of \(Self.counted(elements.count, "element"))"
        case .improperList: return "an improper list"
        case .string(let bytes): return "a charlist of \(Self.counted(bytes.count, "character"))"
        case .map(let map): return Self.mapDescription(map)
        case .pid: return "a pid"
        case .port: return "a port"
        case .reference: return "a reference"
        case .fun: return "a fun"
        case .local: return "a LOCAL_EXT term"
        }
    }

    /// How a dictionary entry's key appears in a coding path: `"alice"`, `alice`, `3`, or its kind.
    var entryLabel: String {
        switch self {
        case .integer, .bigInteger, .float: return codingDescription
        case .atom(let atom): return atom.name
        case .binary(let bytes):
            let text = String(decoding: bytes, as: UTF8.self)
            return bytes.count <= 64 && text.utf8.elementsEqual(bytes) ? "\"\(text)\"" : codingDescription
        default: return codingDescription
        }
    }

    private static func mapDescription(_ map: TermMap) -> String {
        if case .atom(let module)? = map[.atom("__struct__")] { return "a %\(module.name){} struct" }
        return "a map of \(counted(map.count, "key"))"
    }

    /// `1 element`, `3 elements`.
    static func counted(_ number: Int, _ noun: String) -> String {
        number == 1 ? "1 \(noun)" : "\(number) \(noun)s"
    }
}
