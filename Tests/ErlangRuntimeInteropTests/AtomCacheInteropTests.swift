import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension RuntimeInteropTests {
    /// Payloads whose atoms go through the atom cache (pids of many nodes, hundreds of distinct
    /// atoms, atoms of more than 255 bytes) arrive at erl as the same terms: erl compares what it
    /// received with its own decoding of the term's plain encoding, and re-encodes it to the same bytes.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func payloadAtomsThroughTheAtomCacheReachErlIntact() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let erlNode = try NodeName(erl.name)
            let swift = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            // The first two fill the cache, the next two reuse it; the last has more atoms than a header holds.
            let terms = [Self.cachedPayload(atoms: 300, round: 0), Self.cachedPayload(atoms: 300, round: 1),
                         Self.cachedPayload(atoms: 300, round: 0), Self.cachedPayload(atoms: 300, round: 1),
                         Self.cachedPayload(atoms: 700, round: 2)]
            for term in terms {
                let plain = try ETFEncoder().encode(term)
                try await process.send(.tuple([.atom("check"), .binary(plain), term]), to: "swerl_test", at: erlNode)
            }
            let check = """
                (fun Loop(0) -> ok; Loop(K) -> receive {check, Bin, T} -> \
                case binary_to_term(Bin) =:= T andalso term_to_binary(T, [{minor_version, 2}]) =:= Bin of \
                true -> Loop(K - 1); false -> {mismatch, K} end after 30000 -> {lost, K} end end)(\(terms.count))
                """
            #expect(try await erl.eval(check, timeout: .seconds(120)) == "ok")
        }
    }

    /// Distinct atoms, two uses of a 400-byte atom, and pids, ports and references of 40 nodes.
    private static func cachedPayload(atoms count: Int, round: Int) -> Term {
        let long = Atom(String(repeating: "é", count: 200) + "\(round)")
        let atoms = (0..<count).map { Term.atom(Atom("cached_\(round)_\($0)")) }
        let nodes = (0..<40).map { Atom("peer\($0)_\(round)@somewhere") }
        let pids = nodes.enumerated().map { Term.pid(PID(node: $1, id: UInt32($0), serial: 1, creation: 7)) }
        let ports = nodes.prefix(5).map { Term.port(Port(node: $0, id: 3, creation: 7)) }
        let references = nodes.suffix(5).map { Term.reference(Reference(node: $0, ids: [1, 2, 3], creation: 7)) }
        return .tuple([.atom(long), .list(atoms), .list(pids), .list(ports), .list(references), .atom(long)])
    }
}
