import ErlangTerm
import Testing

@Suite struct TermCodableErrorTests {
    struct Street: Codable { var street: String }
    struct Owner: Codable { var addresses: [Street] }
    struct Root: Codable { var user: Owner }
    struct Sample: Codable { var x: Double }
    struct RoleHolder: Codable { var role: Role }

    @Test func detailNamesTheCodingPath() {
        let streets: [Term] = [atomMap(["street": .utf8("a")]), atomMap(["street": .utf8("b")]), atomMap(["street": 42])]
        let term = atomMap(["user": atomMap(["addresses": .list(streets)])])
        #expect(failure(Root.self, term) == "typeMismatch user.addresses[2].street: expected a binary, found 42")
    }

    @Test func missingKeysAndShortTuples() {
        #expect(failure(Person.self, atomMap(["name": .utf8("x")])) == "typeMismatch age: missing: the map has no key age")
        #expect(failure(Point.self, .tuple([.atom("point"), 1])) == "typeMismatch y: missing: the tuple has only 1 field")
        #expect(failure([Point].self, [.tuple([.atom("line"), 1, 2])])
            == "typeMismatch [0]: expected a point record, found a tuple of 3 elements")
    }

    @Test func wrongShapes() {
        #expect(failure(Person.self, 3) == "typeMismatch expected a map, found 3")
        #expect(failure(Config.self, [1]) == "typeMismatch expected a keyword list, found a list of 1 element")
        let other = atomMap(["__struct__": .atom("Elixir.Other"), "street": .utf8("a"), "city": .utf8("b")])
        #expect(failure(Address.self, other)
            == "typeMismatch expected a %Elixir.Swerl.Address{} struct, found a %Elixir.Other{} struct")
        #expect(failure([Int].self, .utf8("ab")) == "typeMismatch expected a list, found a binary of 2 bytes")
        #expect(failure([String: Int].self, .map([.utf8("a"): 1, .atom("a"): 2]))
            == "typeMismatch [\"a\"]: two map keys read as the same String key")
    }

    @Test func numberMismatches() {
        #expect(failure(UInt8.self, 300) == "typeMismatch expected an integer from 0 to 255, found 300")
        #expect(failure(Int.self, 1.5) == "typeMismatch expected an integer, found 1.5")
        #expect(failure(Float.self, .float(1e300)) == "typeMismatch expected a float in Float's range, found 1e+300")
        #expect(failure(Int.self, Term(BigInteger("99999999999999999999")!))
            == "typeMismatch expected an integer from \(Int.min) to \(Int.max), found 99999999999999999999")
    }

    @Test func otherScalarMismatches() {
        #expect(failure(Bool.self, .atom("yes")) == "typeMismatch expected true or false, found the atom yes")
        #expect(failure(Person.self, atomMap(["name": .atom(.nil), "age": 1]))
            == "typeMismatch name: expected a binary, found the atom nil")
        #expect(failure(String.self, .binary([0xFF])) == "typeMismatch expected a UTF-8 binary, found a binary of 1 byte")
        #expect(failure([UInt8].self, [1, 256]) == "typeMismatch expected a binary, found a list of 2 elements")
        #expect(failure(PID.self, .ok) == "typeMismatch expected a pid, found the atom ok")
        #expect(failure([String: [String: Double]].self, .map([.atom("scores"): .map([.utf8("x"): .atom(.nil)])]))
            == "typeMismatch [scores][\"x\"]: expected a float, found the atom nil")
    }

    @Test func errorsFromTheTypesOwnCodeCarryThePath() {
        let detail = failure(RoleHolder.self, atomMap(["role": .atom("root")]))
        #expect(detail?.hasPrefix("typeMismatch role: ") == true)
        #expect(detail?.contains("root") == true)
    }

    @Test func unencodableValues() {
        #expect(encodingFailure(TermEncoder(), ["points": [Sample(x: 1), Sample(x: .nan)]])
            == "unencodable [\"points\"][1].x: Erlang floats are finite, found nan")
        #expect(encodingFailure(TermEncoder(stringEncoding: .atom), [String(repeating: "a", count: 256)])
            == "unencodable [0]: an atom has at most 255 characters, this string has 256")
    }

    /// `code detail` of the `ErlangTermError` that decoding `term` as `type` throws.
    private func failure<T: Decodable>(_ type: T.Type, _ term: Term) -> String? {
        describe { _ = try TermDecoder().decode(type, from: term) }
    }

    /// `code detail` of the `ErlangTermError` that encoding `value` throws.
    private func encodingFailure(_ encoder: TermEncoder, _ value: some Encodable) -> String? {
        describe { _ = try encoder.encode(value) }
    }

    private func describe(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as ErlangTermError {
            return "\(error.code) \(error.detail)"
        } catch {
            return "not an ErlangTermError: \(error)"
        }
    }
}
