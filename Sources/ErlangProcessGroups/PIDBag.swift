import ErlangTerm

/// A pid as a dictionary key with a cheap hash: the numbers and the node name's length, not its
/// every byte (`Atom` hashes byte by byte), which made hashing most of a join's cost. Equality is
/// the pid's own, numbers first.
struct PIDKey: Hashable, Sendable {
    let pid: PID

    init(_ pid: PID) {
        self.pid = pid
    }

    /// The numbers first, then the node's name bytes through contiguous storage: a dictionary
    /// probe compares keys, and `PID ==` compares the node atom first, byte by byte through
    /// `UTF8View` (most of a 10,000-pid join's time before).
    static func == (lhs: PIDKey, rhs: PIDKey) -> Bool {
        guard lhs.pid.id == rhs.pid.id, lhs.pid.serial == rhs.pid.serial, lhs.pid.creation == rhs.pid.creation else { return false }
        return sameAtom(lhs.pid.node, rhs.pid.node)
    }

    /// `Atom ==` (the same UTF-8 bytes), comparing contiguous bytes where the strings have them.
    static func sameAtom(_ lhs: Atom, _ rhs: Atom) -> Bool {
        let left = lhs.name.utf8, right = rhs.name.utf8
        let same = left.withContiguousStorageIfAvailable { leftBytes in
            right.withContiguousStorageIfAvailable { rightBytes in leftBytes.elementsEqual(rightBytes) }
        }
        return (same ?? nil) ?? (lhs == rhs)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(pid.id)
        hasher.combine(pid.serial)
        hasher.combine(pid.creation)
        hasher.combine(pid.node.name.utf8.count)
    }
}

/// The members of one group as a multiset of pids: a pid joined twice is there twice, as in
/// `pg.erl`'s member lists, but adding and removing one occurrence cost O(1) instead of the
/// `lists:delete/2` and `--` scans `pg.erl` does (`leave_remote_update_ets/5`, `sync_groups/5`).
struct PIDBag: Sendable, Hashable {
    /// How many times each pid is in the bag.
    private var counts: [PIDKey: Int] = [:]
    /// The number of occurrences in the bag.
    private(set) var count = 0

    init() {}

    init(_ pids: some Sequence<PID>) {
        for pid in pids { insert(pid) }
    }

    var isEmpty: Bool { count == 0 }

    /// How many times `pid` is in the bag.
    func count(of pid: PID) -> Int { counts[PIDKey(pid)] ?? 0 }

    /// Each pid with its number of occurrences.
    var occurrences: [(pid: PID, times: Int)] { counts.map { ($0.key.pid, $0.value) } }

    /// Makes room for `more` distinct pids, so a batch join grows the table once.
    mutating func reserveCapacity(more: Int) {
        counts.reserveCapacity(counts.count + more)
    }

    /// Adds one occurrence of `pid`.
    mutating func insert(_ pid: PID, times: Int = 1) {
        guard times > 0 else { return }
        counts[PIDKey(pid), default: 0] += times
        count += times
    }

    /// Removes one occurrence of `pid`; false when it was not there.
    @discardableResult
    mutating func remove(_ pid: PID) -> Bool {
        let key = PIDKey(pid)
        guard let held = counts[key] else { return false }
        counts[key] = held == 1 ? nil : held - 1
        count -= 1
        return true
    }

    /// Every occurrence, grouped by pid (a pid joined twice is listed twice).
    var elements: [PID] {
        var result: [PID] = []
        result.reserveCapacity(count)
        for (key, times) in counts {
            for _ in 0..<times { result.append(key.pid) }
        }
        return result
    }
}
