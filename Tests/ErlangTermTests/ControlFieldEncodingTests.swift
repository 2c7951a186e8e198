import ErlangTerm
import NIOCore
import Testing

/// `ETFEncoder.writeUnversionedControl` writes a plain send's control tuple and its payload byte
/// for byte as the general encoder writes the same tuple built as a term, with or without an
/// atom cache map.
@Suite struct ControlFieldEncodingTests {
    static let from = PID(node: "a@h", id: 7, serial: 1, creation: 3)
    static let to = PID(node: "b@h", id: 90, serial: 0, creation: 1_700_000_001)

    /// Takes the first `capacity` atoms it is asked about, as a message's header would.
    final class FirstAtoms: ETFAtomCacheMap {
        let capacity: Int
        var atoms: [Atom] = []
        init(capacity: Int) { self.capacity = capacity }
        func cacheIndex(for atom: Atom) -> UInt8? {
            if let index = atoms.firstIndex(of: atom) { return UInt8(index) }
            guard atoms.count < capacity else { return nil }
            atoms.append(atom)
            return UInt8(atoms.count - 1)
        }
    }

    static let cases: [(opCode: UInt8, ETFControlField, ETFControlField, ETFControlField?, [Term])] = [
        (22, .pid(from), .pid(to), nil, [.integer(22), .pid(from), .pid(to)]),
        (2, .atom(""), .pid(to), nil, [.integer(2), .atom(""), .pid(to)]),
        (6, .pid(from), .atom(""), .atom("bench_peer"), [.integer(6), .pid(from), .atom(""), .atom("bench_peer")]),
    ]

    @Test(arguments: [0, 2, 255])
    func plainControlsAndTheirPayloadsAreWrittenAsTheirTerms(cachedAtoms: Int) throws {
        let payloads: [Term] = [.tuple([.atom("pong"), .integer(70_000)]), .binary(Array(repeating: 7, count: 600))]
        for (opCode, first, second, third, elements) in Self.cases {
            for payload in payloads {
                let fields = FirstAtoms(capacity: cachedAtoms)
                let terms = FirstAtoms(capacity: cachedAtoms)
                var written = ByteBuffer()
                let controlBytes = try ETFEncoder().writeUnversionedControl(
                    opCode: opCode, first, second, third, payload: payload, into: &written, atomCache: fields)
                var expected = ByteBuffer()
                try ETFEncoder().writeUnversioned(.tuple(elements), into: &expected, atomCache: terms)
                #expect(controlBytes == expected.readableBytes)
                try ETFEncoder().writeUnversioned(payload, into: &expected, atomCache: terms)
                #expect(written == expected)
                #expect(fields.atoms == terms.atoms)
            }
        }
    }
}
