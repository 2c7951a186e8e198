import ErlangTerm
import NIOCore

/// Writes a control term without a version byte, putting its atoms (elements, nodes of pids,
/// ports and references, nested tuples) in the message's atom cache map and writing
/// `ATOM_CACHE_REF` for them, as OTP's `enc_term_int` does with an `ErtsAtomCacheMap`.
///
/// Up to 255 atoms are mapped, one per cache slot; an atom whose slot another atom of the same
/// message already took is written in full (`external.c`, `insert_acache_map`,
/// `get_iix_acache_map`). Terms other than tuples and identifiers are written by ``ETFEncoder``.
struct CachingTermWriter {
    /// The mapped atoms in the order of first use: the header's references.
    private(set) var atoms: [Atom] = []
    private var indexByAtom: [Atom: Int] = [:]
    private var atomBySlot: [Int: Atom] = [:]
    private let encoder = ETFEncoder()

    // ETF tags (erl_ext_dist.md).
    private static let atomCacheRef: UInt8 = 82
    private static let newPid: UInt8 = 88
    private static let newPort: UInt8 = 89
    private static let newerReference: UInt8 = 90
    private static let smallTuple: UInt8 = 104
    private static let largeTuple: UInt8 = 105
    private static let v4Port: UInt8 = 120

    mutating func write(_ term: Term, into buffer: inout ByteBuffer) throws {
        switch term {
        case .atom(let atom):
            try writeAtom(atom, into: &buffer)
        case .tuple(let elements):
            if elements.count <= 255 {
                buffer.writeInteger(Self.smallTuple)
                buffer.writeInteger(UInt8(elements.count))
            } else {
                buffer.writeInteger(Self.largeTuple)
                buffer.writeInteger(UInt32(elements.count))
            }
            for element in elements { try write(element, into: &buffer) }
        case .pid(let pid):
            buffer.writeInteger(Self.newPid)
            try writeAtom(pid.node, into: &buffer)
            buffer.writeMultipleIntegers(pid.id, pid.serial, pid.creation)
        case .port(let port):
            try writePort(port, into: &buffer)
        case .reference(let reference) where (1...Reference.maxIDs).contains(reference.ids.count):
            buffer.writeInteger(Self.newerReference)
            buffer.writeInteger(UInt16(reference.ids.count))
            try writeAtom(reference.node, into: &buffer)
            buffer.writeInteger(reference.creation)
            for id in reference.ids { buffer.writeInteger(id) }
        default:
            try encoder.writeUnversioned(term, into: &buffer)
        }
    }

    // As ETFWriter writes ports: NEW_PORT_EXT while the number fits 28 bits, V4_PORT_EXT beyond.
    private mutating func writePort(_ port: Port, into buffer: inout ByteBuffer) throws {
        let fits28 = port.id <= 0x0FFF_FFFF
        buffer.writeInteger(fits28 ? Self.newPort : Self.v4Port)
        try writeAtom(port.node, into: &buffer)
        if fits28 {
            buffer.writeInteger(UInt32(port.id))
        } else {
            buffer.writeInteger(port.id)
        }
        buffer.writeInteger(port.creation)
    }

    private mutating func writeAtom(_ atom: Atom, into buffer: inout ByteBuffer) throws {
        if let index = index(of: atom) {
            buffer.writeInteger(Self.atomCacheRef)
            buffer.writeInteger(UInt8(index))
        } else {
            try encoder.writeUnversioned(.atom(atom), into: &buffer)
        }
    }

    private mutating func index(of atom: Atom) -> Int? {
        if let index = indexByAtom[atom] { return index }
        let slot = AtomCacheTable.slot(for: atom)
        guard atoms.count < AtomCacheReferences.maxEntries, atomBySlot[slot] == nil,
            atom.name.unicodeScalars.count <= Atom.maxCharacters
        else { return nil }
        atomBySlot[slot] = atom
        indexByAtom[atom] = atoms.count
        atoms.append(atom)
        return atoms.count - 1
    }
}
