extension Term: Equatable {
    /// Erlang's exact equality, `=:=`: `1` and `1.0` differ, a `.string` equals the `.list` of the same
    /// integers, `0.0` equals `-0.0` (as in OTP 25).
    public static func == (lhs: Term, rhs: Term) -> Bool {
        // Containers compare in their own functions so the recursive path keeps small stack
        // frames: terms may nest as deep as the decoder's limit.
        switch lhs {
        case .integer(let a):
            if case .integer(let b) = rhs { return a == b }
            return false
        case .atom(let a):
            if case .atom(let b) = rhs { return a == b }
            return false
        case .tuple(let a):
            if case .tuple(let b) = rhs { return a == b }
            return false
        case .list, .string: return listsEqual(lhs, rhs)
        default: return otherEqual(lhs, rhs)
        }
    }

    private static func listsEqual(_ lhs: Term, _ rhs: Term) -> Bool {
        switch (lhs, rhs) {
        case (.list(let a), .list(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.string(let bytes), .list(let elements)), (.list(let elements), .string(let bytes)):
            return bytesEqualElements(bytes, elements)
        default: return false
        }
    }

    private static func otherEqual(_ lhs: Term, _ rhs: Term) -> Bool {
        switch (lhs, rhs) {
        case (.float(let a), .float(let b)): return a == b
        case (.binary(let a), .binary(let b)): return a == b
        case (.pid(let a), .pid(let b)): return a == b
        case (.map(let a), .map(let b)): return a == b
        case (.bigInteger(let a), .bigInteger(let b)): return a == b
        case (.bitstring(let a, let x), .bitstring(let b, let y)): return x == y && a == b
        case (.improperList(let a, let x), .improperList(let b, let y)): return a == b && x == y
        case (.port(let a), .port(let b)): return a == b
        case (.reference(let a), .reference(let b)): return a == b
        case (.fun(let a), .fun(let b)): return a == b
        case (.local(let a), .local(let b)): return a == b
        default: return false
        }
    }

    private static func bytesEqualElements(_ bytes: [UInt8], _ elements: [Term]) -> Bool {
        guard bytes.count == elements.count else { return false }
        for (byte, element) in zip(bytes, elements) {
            guard case .integer(let value) = element, value == Int(byte) else { return false }
        }
        return true
    }
}

extension Term: Hashable {
    /// Hashes consistently with exact equality: a `.string` hashes as its list of integers.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .integer(let value):
            hasher.combine(0 as UInt8)
            hasher.combine(value)
        case .bigInteger(let value):
            hasher.combine(1 as UInt8)
            hasher.combine(value)
        case .float(let value):
            hasher.combine(2 as UInt8)
            hasher.combine(value == 0 ? 0.0 : value)
        case .atom(let atom):
            hasher.combine(3 as UInt8)
            hasher.combine(atom)
        case .binary(let bytes):
            hasher.combine(4 as UInt8)
            hasher.combine(bytes)
        case .bitstring(let bytes, let bits):
            hasher.combine(5 as UInt8)
            hasher.combine(bytes)
            hasher.combine(bits)
        case .tuple(let elements):
            hasher.combine(6 as UInt8)
            hasher.combine(elements)
        case .list(let elements):
            hasher.combine(7 as UInt8)
            hasher.combine(elements.count)
            for element in elements { element.hash(into: &hasher) }
        case .string(let bytes):
            hasher.combine(7 as UInt8)
            hasher.combine(bytes.count)
            for byte in bytes { Term.integer(Int(byte)).hash(into: &hasher) }
        case .improperList(let elements, let tail):
            hasher.combine(8 as UInt8)
            hasher.combine(elements)
            hasher.combine(tail)
        case .map(let map):
            hasher.combine(9 as UInt8)
            hasher.combine(map)
        case .pid(let pid):
            hasher.combine(10 as UInt8)
            hasher.combine(pid)
        case .port(let port):
            hasher.combine(11 as UInt8)
            hasher.combine(port)
        case .reference(let reference):
            hasher.combine(12 as UInt8)
            hasher.combine(reference)
        case .fun(let fun):
            hasher.combine(13 as UInt8)
            hasher.combine(fun)
        case .local(let local):
            hasher.combine(14 as UInt8)
            hasher.combine(local)
        }
    }
}
