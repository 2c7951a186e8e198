@testable import ErlangDistribution
import ErlangTerm
import NIOCore
import Testing

/// The distribution header with its atom cache (distribution.md §4.3): the captured headers read
/// and written back, the reader's cache against the writer's, and bad references.
@Suite struct AtomCacheTests {
    // Captured OTP -> foreign SEND_SENDER with two cached and two new atoms (§4.3, first example).
    static let sendSender = "83 44 04 40 fa 00 3c 18 78 04 6563686f ee 05 68656c6c6f 68 03 61 16 58 52 00 00000055 00000000 6b081d3d 58 52 01 00000001 00000000 12345678 68 02 52 02 52 03"
    // Captured first frame of a real OTP <-> OTP connection, B -> A (§4.3, second example).
    static let featuresRequest = "8344 04 88dc00 3c 04 6240766d 05 00 76 03 726578 5f 10 66656174757265735f72657175657374 6804 6106 58 5200 00000036 00000000 6b081c87 5201 5202 6802 58 5200 00000036 00000000 6b081c87 5203"
    // Captured foreign -> OTP REG_SEND that OTP accepted, with five new entries, and its reuse (§4.3).
    static let regSendTerms = "6804 6106 58 5200 00000001 00000000 66666666 5201 5202 6803 5203 58 5200 00000001 00000000 66666666 5204"
    static let regSendNew = "83 44 05 98 ba 0c 01 07 646c707940766d 02 00 03 03 6c6162 04 03 636d64 05 04 6563686f " + regSendTerms
    static let regSendReuse = "83 44 05 10 32 04 01 02 03 04 05 " + regSendTerms

    /// Fills slots 0x03c and 0x418 as an earlier frame of the captured connection did.
    private func primed(_ reader: inout DistributionMessageReader) throws {
        var frame = ByteBuffer()
        let references = AtomCacheReferences(entries: [.new(slot: 0x03c, atom: Fixtures.dlb), .new(slot: 0x418, atom: Fixtures.dlpy)])
        try DistributionHeader.normal(references).write(into: &frame)
        frame.writeBytes(hex("68 03 61 01 58 52 00 00000001 00000000 12345678 58 52 01 00000055 00000000 6b081d3d"))
        let link = try reader.read(frame: frame)
        let expected = ControlMessage.link(from: PID(node: Fixtures.dlb, id: 1, serial: 0, creation: 0x1234_5678),
                                           to: PID(node: Fixtures.dlpy, id: 0x55, serial: 0, creation: 0x6b08_1d3d))
        #expect(link == DistributionMessage(control: expected))
    }

    @Test func capturedSendSenderResolvesCachedAndNewAtoms() throws {
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        try primed(&reader)
        let message = try reader.read(frame: buffer(hex(Self.sendSender)))
        #expect(message == DistributionMessage(control: .sendSender(from: Fixtures.dlb85, to: Fixtures.dlpy1),
                                               payload: .tuple([.atom("echo"), .atom("hello")])))
    }

    @Test func capturedHeadersReadAndWriteBackByteForByte() throws {
        let expected: [(String, AtomCacheReferences)] = [
            (Self.sendSender, AtomCacheReferences(entries: [
                .cached(slot: 0x03c), .cached(slot: 0x418), .new(slot: 0x278, atom: "echo"), .new(slot: 0x7ee, atom: "hello"),
            ])),
            (Self.featuresRequest, AtomCacheReferences(entries: [
                .new(slot: 0x03c, atom: "b@vm"), .new(slot: 0x005, atom: ""), .new(slot: 0x476, atom: "rex"),
                .new(slot: 0x55f, atom: "features_request"),
            ])),
            (Self.regSendNew, AtomCacheReferences(entries: [
                .new(slot: 0x001, atom: "dlpy@vm"), .new(slot: 0x102, atom: ""), .new(slot: 0x203, atom: "lab"),
                .new(slot: 0x304, atom: "cmd"), .new(slot: 0x405, atom: "echo"),
            ])),
            (Self.regSendReuse, AtomCacheReferences(entries: (1...5).map { .cached(slot: ($0 - 1) << 8 | $0) })),
        ]
        for (frame, references) in expected {
            var input = buffer(hex(frame))
            let header = try DistributionHeader.read(from: &input, flags: Fixtures.atomCacheFlags)
            #expect(header == .normal(references))
            var written = ByteBuffer()
            try header.write(into: &written)
            #expect(bytes(written) == Array(hex(frame).prefix(written.readableBytes)))
            #expect(bytes(input) == Array(hex(frame).dropFirst(written.readableBytes)))
        }
    }

    @Test func capturedOTPFrameAndForeignFramesDecode() throws {
        var otp = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        let rexHelper = PID(node: "b@vm", id: 0x36, serial: 0, creation: 0x6b08_1c87)
        #expect(try otp.read(frame: buffer(hex(Self.featuresRequest))) == DistributionMessage(
            control: .regSend(from: rexHelper, to: "rex"), payload: .tuple([.pid(rexHelper), .atom("features_request")])))

        var foreign = DistributionMessageReader(flags: Fixtures.atomCacheOnlyFlags)
        let sender = PID(node: Fixtures.dlpy, id: 1, serial: 0, creation: 0x6666_6666)
        let expected = DistributionMessage(control: .regSend(from: sender, to: "lab"),
                                           payload: .tuple([.atom("cmd"), .pid(sender), .atom("echo")]))
        #expect(try foreign.read(frame: buffer(hex(Self.regSendNew))) == expected)
        #expect(try foreign.read(frame: buffer(hex(Self.regSendReuse))) == expected)
    }

    @Test func theWriterCachesTheAtomsOfControlMessageAndPayloadAndReusesThem() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags)
        let message = DistributionMessage(control: .regSend(from: Fixtures.dlpy1, to: "lab"), payload: .atom("echo"))
        var first = try writer.write(message)[0]
        guard case .normal(let references) = try DistributionHeader.read(from: &first, flags: Fixtures.atomCacheFlags) else {
            Issue.record("not a normal header"); return
        }
        // First use order, as OTP's encoder meets them: node of the pid, '', lab, then the payload's echo.
        let atoms: [Atom] = [Fixtures.dlpy, "", "lab", "echo"]
        let slots = atoms.map(AtomCacheTable.slot(for:))
        #expect(references.entries == zip(slots, atoms).map { .new(slot: $0, atom: $1) })
        // The control term and the payload refer to them, as the captured regSendNew frame does.
        #expect(bytes(first) == hex("68 04 61 06 58 52 00 00000001 00000000 12345678 52 01 52 02 52 03"))

        var second = try writer.write(message)[0]
        let reused = try DistributionHeader.read(from: &second, flags: Fixtures.atomCacheFlags)
        #expect(reused == .normal(AtomCacheReferences(entries: slots.map { .cached(slot: $0) })))
    }

    @Test func readerAndWriterAgreeOverManyMessages() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        // More distinct atoms than slots, so entries are replaced and reused in turn.
        for round in 0..<3000 {
            let name = Atom("name_\(round % 2500)")
            let node = Atom("node\(round % 7)@host")
            let pid = PID(node: node, id: UInt32(round), serial: 0, creation: 1)
            let message = DistributionMessage(control: .regSend(from: pid, to: name), payload: .atom(name))
            #expect(try reader.read(frame: writer.write(message)[0]) == message)
        }
    }

    @Test func atomsThatShareASlotInOneMessageAreWrittenInFull() throws {
        // Two names hashed to the same slot: the second is written as an atom, not a reference.
        var bySlot: [Int: Atom] = [:]
        var pair: (Atom, Atom)?
        for index in 0... {
            let atom = Atom("a\(index)")
            let slot = AtomCacheTable.slot(for: atom)
            if let other = bySlot[slot] { pair = (other, atom); break }
            bySlot[slot] = atom
        }
        let (first, second) = try #require(pair)
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags)
        let message = DistributionMessage(control: .exit(from: Fixtures.dlpy1, to: Fixtures.dlb85, reason: .tuple([.atom(first), .atom(second)])))
        var frame = try writer.write(message)[0]
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        #expect(try reader.read(frame: frame) == message)
        guard case .normal(let references) = try DistributionHeader.read(from: &frame, flags: Fixtures.atomCacheFlags) else {
            Issue.record("not a normal header"); return
        }
        #expect(references.entries.count == 3)  // both nodes and the first name
        #expect(!references.entries.contains(.new(slot: AtomCacheTable.slot(for: second), atom: second)))
    }

    @Test func atMost255AtomsGoInOneHeader() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        let reason = Term.tuple((0..<600).map { .atom(Atom("reason_\($0)")) })
        let message = DistributionMessage(control: .exit(from: Fixtures.dlpy1, to: Fixtures.dlb85, reason: reason))
        var frame = try writer.write(message)[0]
        #expect(try reader.read(frame: frame) == message)
        guard case .normal(let references) = try DistributionHeader.read(from: &frame, flags: Fixtures.atomCacheFlags) else {
            Issue.record("not a normal header"); return
        }
        #expect(references.entries.count > 200 && references.entries.count <= 255)
    }

    @Test func longAtomsUseTwoByteLengths() throws {
        let long = Atom(String(repeating: "é", count: 200))  // 400 bytes of UTF-8
        let references = AtomCacheReferences(entries: [.new(slot: 7, atom: long), .new(slot: 8, atom: "short")])
        #expect(references.longAtoms)
        var frame = ByteBuffer()
        try DistributionHeader.normal(references).write(into: &frame)
        #expect(Array(bytes(frame).prefix(7)) == [131, 68, 2, 0x88, 0x01, 7, 0x01])
        let read = try DistributionHeader.read(from: &frame, flags: Fixtures.atomCacheFlags)
        #expect(read == .normal(references))

        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        let message = DistributionMessage(control: .regSend(from: Fixtures.dlpy1, to: long), payload: .atom(long))
        #expect(try reader.read(frame: writer.write(message)[0]) == message)
    }

    @Test func onlyFragmentsAgreedMeansAHeaderWithNoAtoms() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.fragmentFlags)
        let frame = try writer.write(DistributionMessage(control: .link(from: Fixtures.dlpy1, to: Fixtures.dlb85)))[0]
        #expect(bytes(frame) == hex("83 44 00 68 03 61 01 <dlpy.1> <dlb.85>"))
    }

    @Test func aReferenceToAnEmptySlotIsACacheMiss() throws {
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        let error = try #require(distributionError { _ = try reader.read(frame: buffer(hex(Self.sendSender))) })
        #expect(error.code == .atomCacheMiss)
        #expect(error.detail.contains("slot 60"))
    }

    @Test func anAtomCacheRefBeyondTheHeaderIsAnInvalidTerm() throws {
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        let error = try #require(distributionError {
            _ = try reader.read(frame: buffer(hex("83 44 01 08 00 01 61 68 03 61 01 52 01 52 00")))
        })
        #expect(error.code == .invalidTerm)
        #expect(error.termError?.code == .atomCacheMiss)
        #expect(error.offset == 11)
    }

    @Test func badAtomTextIsRefused() throws {
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        let error = try #require(distributionError { _ = try reader.read(frame: buffer(hex("83 44 01 08 00 02 c3 28 68 01 61 05"))) })
        #expect(error.code == .invalidAtom)
        #expect(error.offset == 6)
    }
}
