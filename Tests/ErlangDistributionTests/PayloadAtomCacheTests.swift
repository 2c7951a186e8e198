@testable import ErlangDistribution
import ErlangTerm
import NIOCore
import Testing

/// Atoms of the payload (and the node of every pid in it) go through the header's atom cache
/// along with the control message's, as OTP's `enc_term_int` writes them (distribution.md §4.3).
@Suite struct PayloadAtomCacheTests {
    /// A payload of `count` distinct atoms, long ones among them, and pids of `nodes` nodes.
    private static func payload(atoms count: Int, nodes: Int, round: Int = 0) -> Term {
        let long = Atom(String(repeating: "é", count: 200) + "\(round)")  // 400+ bytes of UTF-8
        let atoms = (0..<count).map { Term.atom(Atom("payload_atom_\(round)_\($0)")) }
        let pids = (0..<nodes).map { Term.pid(PID(node: Atom("node\($0)@host\(round)"), id: UInt32($0), serial: 0, creation: 7)) }
        return .tuple([.atom(long), .list(atoms), .list(pids), .atom(long)])
    }

    private static func references(_ frame: ByteBuffer) throws -> AtomCacheReferences {
        var frame = frame
        guard case .normal(let references) = try DistributionHeader.read(from: &frame, flags: Fixtures.atomCacheFlags) else {
            throw DistributionError(.invalidHeader, "not a normal header")
        }
        return references
    }

    private static func occurrences(of text: String, in frame: ByteBuffer) -> Int {
        let needle = Array(text.utf8)
        let haystack = bytes(frame)
        guard haystack.count >= needle.count else { return 0 }
        return (0...(haystack.count - needle.count)).count { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    @Test func manyDistinctAndLongAtomsMakeAValidFrame() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        let message = DistributionMessage(control: .send(to: Fixtures.dlb85), payload: Self.payload(atoms: 400, nodes: 50))
        let frame = try #require(try writer.write(message).first)
        #expect(try reader.read(frame: frame) == message)
        let references = try Self.references(frame)
        #expect(references.entries.count > 200 && references.entries.count <= AtomCacheReferences.maxEntries)
        #expect(references.longAtoms)  // The long atom comes first, so it takes its slot.
        // The long atom is written once, in the header; both uses in the payload refer to it.
        #expect(Self.occurrences(of: String(repeating: "é", count: 200), in: frame) == 1)

        // The same message again: every atom the header took is now cached, so none is new.
        let again = try #require(try writer.write(message).first)
        #expect(try reader.read(frame: again) == message)
        let cached = try Self.references(again)
        #expect(cached.entries.count == references.entries.count)
        #expect(cached.entries.allSatisfy { if case .cached = $0 { true } else { false } })
        #expect(!cached.longAtoms)
        #expect(again.readableBytes < frame.readableBytes)
    }

    @Test func theNodeOfEveryPidIsWrittenOnce() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheOnlyFlags)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheOnlyFlags)
        let pids = (0..<10_000).map { Term.pid(PID(node: Fixtures.dlpy, id: UInt32($0), serial: 0, creation: 3)) }
        let message = DistributionMessage(control: .regSend(from: Fixtures.dlpy1, to: "pg"), payload: .tuple([.atom("sync"), .list(pids)]))
        // One frame: the default fragment size would split it, and the node text is sought in it.
        let frame = try #require(try writer.write(message).first)
        #expect(try reader.read(frame: frame) == message)
        #expect(Self.occurrences(of: Fixtures.dlpy.name, in: frame) == 1)
        // NEW_PID_EXT with ATOM_CACHE_REF: tag, 2 bytes of reference, 12 bytes of numbers.
        #expect(frame.readableBytes < 10_000 * 15 + 200)
    }

    @Test func readerAndWriterAgreeWhileSlotsAreReplaced() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        // 300 atoms a message from a pool larger than the cache, so entries are replaced and reused.
        for round in 0..<60 {
            let atoms = (0..<300).map { Term.atom(Atom("pooled_\((round * 131 + $0 * 7) % 5000)")) }
            let pids = (0..<20).map { Term.pid(PID(node: Atom("n\((round + $0) % 40)@h"), id: UInt32($0), serial: 0, creation: 1)) }
            let message = DistributionMessage(control: .send(to: Fixtures.dlb85), payload: .tuple([.list(atoms), .list(pids)]))
            for frame in try writer.write(message) {
                #expect(try reader.read(frame: frame) == message)
            }
        }
    }

    @Test func aFragmentedMessageCarriesItsPayloadAtomsInTheFirstFragment() throws {
        let limits = DistributionLimits(fragmentSize: 1000)
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags, limits: limits)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags, limits: limits)
        for round in 0..<3 {
            let message = DistributionMessage(control: .send(to: Fixtures.dlb85), payload: Self.payload(atoms: 300, nodes: 30, round: round % 2))
            let frames = try writer.write(message)
            #expect(frames.count > 1)
            var read: [DistributionMessage] = []
            for frame in frames { if let message = try reader.read(frame: frame) { read.append(message) } }
            #expect(read == [message])
        }
    }

    @Test func atomsOfMoreThan255CharactersStillFail() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags)
        let message = DistributionMessage(control: .send(to: Fixtures.dlb85), payload: .atom(Atom(String(repeating: "a", count: 256))))
        #expect(throws: DistributionError.self) { try writer.write(message) }
        // The failed message changed nothing: the next one encodes and decodes.
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        let next = DistributionMessage(control: .send(to: Fixtures.dlb85), payload: .atom("fine"))
        #expect(try reader.read(frame: writer.write(next)[0]) == next)
    }

    @Test func aMapAnswersAnAtomTheSameWhetherAskedAgainAtOnceOrLater() {
        let map = AtomCacheMap()
        let node: Atom = "erl@127.0.0.1"
        let other: Atom = "other"
        let first = map.cacheIndex(for: node)
        #expect(first == 0)
        #expect(map.cacheIndex(for: Atom(String(decoding: Array("erl@127.0.0.1".utf8), as: UTF8.self))) == first)
        #expect(map.cacheIndex(for: other) == 1)
        #expect(map.cacheIndex(for: node) == first)
        #expect(map.references.entries == [
            .new(slot: AtomCacheTable.slot(for: node), atom: node), .new(slot: AtomCacheTable.slot(for: other), atom: other),
        ])
        map.commit()
        map.clear()
        #expect(map.cacheIndex(for: other) == 0)
        #expect(map.cacheIndex(for: node) == 1)
        #expect(map.references.entries == [.cached(slot: AtomCacheTable.slot(for: other)), .cached(slot: AtomCacheTable.slot(for: node))])
    }

    @Test func aClearedMessageLeavesItsAtomsNew() {
        let map = AtomCacheMap()
        let node: Atom = "erl@127.0.0.1"
        _ = map.cacheIndex(for: node)
        map.clear()
        #expect(map.references.entries.isEmpty)
        #expect(map.cacheIndex(for: node) == 0)
        #expect(map.references.entries == [.new(slot: AtomCacheTable.slot(for: node), atom: node)])
    }

    @Test func aCopiedWriterKeepsItsOwnAtomCache() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags)
        let message = DistributionMessage(control: .send(to: Fixtures.dlb85), payload: .atom("hello"))
        var copy = writer
        _ = try writer.write(message)
        // The copy never sent the atoms, so a reader that sees only its frames resolves them.
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        #expect(try reader.read(frame: copy.write(message)[0]) == message)
        #expect(try reader.read(frame: copy.write(message)[0]) == message)
    }
}
