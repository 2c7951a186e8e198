import ErlangTerm

/// The members of one group as a multiset of pids: a pid joined twice is there twice, as in
/// `pg.erl`'s member lists, but adding and removing one occurrence cost O(1) instead of the
/// `lists:delete/2` and `--` scans `pg.erl` does (`leave_remote_update_ets/5`, `sync_groups/5`).
struct PIDBag: Sendable, Hashable {
    /// How many times each pid is in the bag.
    private(set) var counts: [PID: Int] = [:]
    /// The number of occurrences in the bag.
    private(set) var count = 0

    init() {}

    init(_ pids: some Sequence<PID>) {
        for pid in pids { insert(pid) }
    }

    var isEmpty: Bool { count == 0 }

    /// Adds one occurrence of `pid`.
    mutating func insert(_ pid: PID, times: Int = 1) {
        guard times > 0 else { return }
        counts[pid, default: 0] += times
        count += times
    }

    /// Removes one occurrence of `pid`; false when it was not there.
    @discardableResult
    mutating func remove(_ pid: PID) -> Bool {
        guard let held = counts[pid] else { return false }
        counts[pid] = held == 1 ? nil : held - 1
        count -= 1
        return true
    }

    /// Removes every occurrence of the pids of `other` that this bag holds (`--` with counts).
    mutating func subtract(_ other: PIDBag) {
        for (pid, times) in other.counts {
            for _ in 0..<times { guard remove(pid) else { break } }
        }
    }

    /// Every occurrence, grouped by pid (a pid joined twice is listed twice).
    var elements: [PID] {
        var result: [PID] = []
        result.reserveCapacity(count)
        for (pid, times) in counts {
            for _ in 0..<times { result.append(pid) }
        }
        return result
    }
}
