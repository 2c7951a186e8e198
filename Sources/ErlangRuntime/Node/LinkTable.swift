import ErlangTerm

/// The node's links and `trap_exit` flags: pure state, kept under the node's lock.
///
/// Each of our processes keeps, per linked process, whether the link is active and the id of an
/// unlink it has asked for, as the link protocol with `UNLINK_ID` describes (distribution.md 4.5,
/// `erl_dist_protocol.xml` "Link Protocol"): an exit signal through a link is acted on only while
/// the link is active.
struct LinkTable {
    /// One end of a link, as our process sees it.
    struct Link: Equatable {
        /// Whether the link is active (no unlink under way).
        var isActive = true
        /// The id of our `UNLINK_ID` waiting for its ack.
        var unlinkID: UInt64?
    }

    private(set) var links: [PID: [PID: Link]] = [:]
    private(set) var trapping: Set<PID> = []
    private var nextUnlinkID: UInt64 = 1

    func isTrapping(_ pid: PID) -> Bool { trapping.contains(pid) }

    mutating func setTrapping(_ pid: PID, _ on: Bool) {
        if on { trapping.insert(pid) } else { trapping.remove(pid) }
    }

    func isLinked(_ pid: PID, _ other: PID) -> Bool { links[pid]?[other]?.isActive == true }

    /// `link/1` by our `pid`, or `LINK` from `other`: an entry unless one exists. Returns true when
    /// the link is new (our side then sends `LINK`).
    mutating func link(_ pid: PID, _ other: PID) -> Bool {
        if let existing = links[pid]?[other], existing.isActive { return false }
        if links[pid]?[other] != nil { return true }
        links[pid, default: [:]][other] = Link()
        return true
    }

    /// `unlink/1` by our `pid`: the link turns inactive and waits for the ack of this id. Nil when
    /// there was no active link.
    mutating func unlink(_ pid: PID, _ other: PID) -> UInt64? {
        guard links[pid]?[other]?.isActive == true else { return nil }
        let id = nextUnlinkID
        nextUnlinkID += 1
        links[pid]?[other] = Link(isActive: false, unlinkID: id)
        return id
    }

    /// `UNLINK_ID` from `other`: removes an active link (an unlink of our own under way keeps its
    /// entry); the caller always acks.
    mutating func unlinkRequested(_ pid: PID, by other: PID) {
        if links[pid]?[other]?.isActive == true { links[pid]?[other] = nil }
    }

    /// `UNLINK_ID_ACK`: the entry goes if it still waits for this id.
    mutating func unlinkAcknowledged(_ pid: PID, by other: PID, id: UInt64) {
        if let link = links[pid]?[other], !link.isActive, link.unlinkID == id { links[pid]?[other] = nil }
    }

    /// A link local to this node goes at once on both ends.
    mutating func removeBoth(_ pid: PID, _ other: PID) {
        links[pid]?[other] = nil
        links[other]?[pid] = nil
    }

    /// An exit signal through the link from `other` arrived: acted on (and the link removed)
    /// only when the link is active.
    mutating func takeExit(_ pid: PID, from other: PID) -> Bool {
        guard links[pid]?[other]?.isActive == true else { return false }
        links[pid]?[other] = nil
        return true
    }

    /// `pid` exits: its active links, to send exit signals through.
    mutating func processExited(_ pid: PID) -> [PID] {
        trapping.remove(pid)
        let linked = links.removeValue(forKey: pid) ?? [:]
        return linked.filter(\.value.isActive).map(\.key)
    }

    /// The connection to `node` went down: every link to its processes, as (ours, theirs).
    mutating func connectionLost(to node: Atom) -> [(PID, PID)] {
        var lost: [(PID, PID)] = []
        for (pid, peers) in links {
            for (other, link) in peers where other.node == node {
                links[pid]?[other] = nil
                if link.isActive { lost.append((pid, other)) }
            }
        }
        return lost
    }
}
