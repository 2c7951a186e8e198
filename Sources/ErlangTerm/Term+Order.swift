// The standard term order (Erlang reference manual, "Term Comparisons"):
// number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring.
// Orders within pids, ports and references follow what OTP 25 sorts (checked with lists:sort/1
// on external identifiers): pids by serial, number, node, creation; ports and references by node,
// creation, then number.

/// The three orders Erlang terms are compared in.
enum OrderMode {
    /// Erlang's `<` and `==`: numbers by value, `1 == 1.0`.
    case arithmetic
    /// The standard order by value, with an integer before a float of equal value: a total order.
    case total
    /// The order of map keys (erts_cmp with exact comparison, as `term_to_binary` sorts small maps):
    /// every integer before every float.
    case mapKey
}

extension Term: Comparable {
    /// The standard term order, with an integer before a float of equal value (the order OTP
    /// uses for map keys), so that `<` agrees with exact equality.
    public static func < (lhs: Term, rhs: Term) -> Bool {
        order(lhs, rhs, mode: .total) < 0
    }

    /// Erlang's arithmetic comparison: negative when `lhs < rhs`, zero when `lhs == rhs`
    /// (so `1` and `1.0` compare equal), positive otherwise.
    public static func compare(_ lhs: Term, _ rhs: Term) -> Int {
        order(lhs, rhs, mode: .arithmetic)
    }

    /// Erlang's `==`: equal after number conversion (`1 == 1.0`).
    public func isEqual(to other: Term) -> Bool {
        Term.compare(self, other) == 0
    }

    /// The order of map keys: negative, zero or positive; zero exactly when the terms are `==`.
    static func exactOrder(_ lhs: Term, _ rhs: Term) -> Int {
        order(lhs, rhs, mode: .mapKey)
    }

    /// The class rank in the standard order; the empty list ranks with lists since `[]` sorts first among them.
    var typeRank: Int {
        switch self {
        case .integer, .bigInteger, .float: return 0
        case .atom: return 1
        case .reference: return 2
        case .fun: return 3
        case .port: return 4
        case .pid: return 5
        case .tuple: return 6
        case .map: return 7
        case .list, .string, .improperList: return 8
        case .binary, .bitstring: return 9
        case .local: return 10
        }
    }

    // Each kind is compared in its own function so the recursive path keeps small stack frames:
    // terms may nest as deep as the decoder's limit.
    static func order(_ lhs: Term, _ rhs: Term, mode: OrderMode) -> Int {
        let (leftRank, rightRank) = (lhs.typeRank, rhs.typeRank)
        if leftRank != rightRank { return leftRank < rightRank ? -1 : 1 }
        switch leftRank {
        case 0: return NumberOrder.order(lhs, rhs, mode: mode)
        case 1: return orderAtoms(lhs, rhs)
        case 6: return orderTuples(lhs, rhs, mode: mode)
        case 7: return orderMaps(lhs, rhs, mode: mode)
        case 8: return orderLists(ListView(lhs), ListView(rhs), mode: mode)
        case 9: return BitOrder.order(BitView(lhs), BitView(rhs))
        default: return orderIdentifiers(lhs, rhs, mode: mode)
        }
    }

    private static func orderAtoms(_ lhs: Term, _ rhs: Term) -> Int {
        guard case .atom(let a) = lhs, case .atom(let b) = rhs else { return 0 }
        return sign(a, b)
    }

    private static func orderTuples(_ lhs: Term, _ rhs: Term, mode: OrderMode) -> Int {
        guard case .tuple(let a) = lhs, case .tuple(let b) = rhs else { return 0 }
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        return orderSequences(a, b, mode: mode)
    }

    private static func orderIdentifiers(_ lhs: Term, _ rhs: Term, mode: OrderMode) -> Int {
        switch (lhs, rhs) {
        case (.pid(let a), .pid(let b)): return orderPids(a, b)
        case (.port(let a), .port(let b)):
            return firstDifference(sign(a.node, b.node), sign(a.creation, b.creation), sign(a.id, b.id))
        case (.reference(let a), .reference(let b)):
            return firstDifference(sign(a.node, b.node), sign(a.creation, b.creation), orderReferenceWords(a.ids, b.ids))
        case (.fun(let a), .fun(let b)): return orderFuns(a, b, mode: mode)
        case (.local(let a), .local(let b)): return orderBytes(a.bytes, b.bytes)
        default: return 0
        }
    }

    private static func orderPids(_ a: PID, _ b: PID) -> Int {
        if a.serial != b.serial { return a.serial < b.serial ? -1 : 1 }
        if a.id != b.id { return a.id < b.id ? -1 : 1 }
        return firstDifference(sign(a.node, b.node), sign(a.creation, b.creation), 0)
    }

    private static func firstDifference(_ first: Int, _ second: @autoclosure () -> Int, _ third: @autoclosure () -> Int) -> Int {
        if first != 0 { return first }
        let next = second()
        return next != 0 ? next : third()
    }

    static func sign<T: Comparable>(_ a: T, _ b: T) -> Int {
        a < b ? -1 : (a == b ? 0 : 1)
    }

    private static func orderSequences(_ a: [Term], _ b: [Term], mode: OrderMode) -> Int {
        for (x, y) in zip(a, b) {
            let result = order(x, y, mode: mode)
            if result != 0 { return result }
        }
        return sign(a.count, b.count)
    }

    private static func orderMaps(_ lhs: Term, _ rhs: Term, mode: OrderMode) -> Int {
        guard case .map(let a) = lhs, case .map(let b) = rhs else { return 0 }
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (x, y) in zip(a.entries, b.entries) {
            let result = exactOrder(x.key, y.key)
            if result != 0 { return result }
        }
        for (x, y) in zip(a.entries, b.entries) {
            let result = order(x.value, y.value, mode: mode)
            if result != 0 { return result }
        }
        return 0
    }

    /// Reference words are one number with the first word least significant.
    private static func orderReferenceWords(_ a: [UInt32], _ b: [UInt32]) -> Int {
        for index in stride(from: max(a.count, b.count) - 1, through: 0, by: -1) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    private static func orderFuns(_ a: Fun, _ b: Fun, mode: OrderMode) -> Int {
        switch (a, b) {
        case (.export(let m1, let f1, let a1), .export(let m2, let f2, let a2)):
            return firstDifference(sign(m1, m2), sign(f1, f2), sign(a1, a2))
        case (.export, .closure): return -1
        case (.closure, .export): return 1
        case (.closure(let x), .closure(let y)):
            let identity = [
                sign(x.module, y.module), sign(x.oldIndex, y.oldIndex), sign(x.oldUniq, y.oldUniq),
                orderBytes(x.uniq, y.uniq), sign(x.index, y.index), orderPids(x.pid, y.pid),
            ]
            if let difference = identity.first(where: { $0 != 0 }) { return difference }
            if x.freeVariables.count != y.freeVariables.count {
                return x.freeVariables.count < y.freeVariables.count ? -1 : 1
            }
            return orderSequences(x.freeVariables, y.freeVariables, mode: mode)
        }
    }

    static func orderBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let result = orderPrefixes(a, b, count: min(a.count, b.count))
        return result != 0 ? result : sign(a.count, b.count)
    }

    /// The order of the first `count` bytes of each, which both must have.
    static func orderPrefixes(_ a: [UInt8], _ b: [UInt8], count: Int) -> Int {
        let result = a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in count == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, count) }
        }
        return result == 0 ? 0 : (result < 0 ? -1 : 1)
    }

    private static func orderLists(_ a: ListView, _ b: ListView, mode: OrderMode) -> Int {
        for index in 0..<min(a.count, b.count) {
            let result = order(a[index], b[index], mode: mode)
            if result != 0 { return result }
        }
        if a.count == b.count {
            return a.isProper && b.isProper ? 0 : order(a.tail, b.tail, mode: mode)
        }
        // One list ran out first: a proper one is a prefix, so it is smaller; an improper one
        // compares its tail with the rest of the other.
        if a.count < b.count { return a.isProper ? -1 : order(a.tail, b.rest(from: a.count), mode: mode) }
        return b.isProper ? 1 : order(a.rest(from: b.count), b.tail, mode: mode)
    }
}

/// A uniform look at `.list`, `.string` and `.improperList` without copying.
struct ListView {
    let term: Term

    init(_ term: Term) { self.term = term }

    var count: Int {
        switch term {
        case .list(let elements), .improperList(let elements, _): return elements.count
        case .string(let bytes): return bytes.count
        default: return 0
        }
    }

    subscript(index: Int) -> Term {
        switch term {
        case .list(let elements), .improperList(let elements, _): return elements[index]
        case .string(let bytes): return .integer(Int(bytes[index]))
        default: preconditionFailure("not a list")
        }
    }

    var isProper: Bool {
        if case .improperList = term { return false }
        return true
    }

    var tail: Term {
        if case .improperList(_, let tail) = term { return tail }
        return .list([])
    }

    func rest(from index: Int) -> Term {
        switch term {
        case .list(let elements): return .list(Array(elements[index...]))
        case .string(let bytes): return .string(Array(bytes[index...]))
        case .improperList(let elements, let tail): return .list(Array(elements[index...]), tail: tail)
        default: return term
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
