import ErlangTerm
import Foundation
import Testing

@Suite struct TermEncoderStructTests {
    let encoder = TermEncoder()

    @Test func structIsAMapWithAtomKeysAndNilForMissingValues() throws {
        let term = try encoder.encode(Person(name: "Ada", age: 36, email: nil))
        #expect(term == atomMap(["name": .utf8("Ada"), "age": 36, "email": .atom(.nil)]))
    }

    @Test func elixirStructAddsTheModuleWithOrWithoutPrefix() throws {
        let address = try encoder.encode(Address(street: "Main", city: "Oslo"))
        #expect(address == atomMap(["__struct__": .atom("Elixir.Swerl.Address"), "street": .utf8("Main"), "city": .utf8("Oslo")]))
        let user = try encoder.encode(User.ada)
        #expect(user.mapValue?[.atom("__struct__")] == .atom("Elixir.Swerl.User"))
    }

    @Test func nestedTypesKeepTheirOwnLayouts() throws {
        let term = try encoder.encode(User.ada)
        let addresses = try #require(term.mapValue?[.atom("addresses")]?.listElements)
        #expect(addresses.first?.mapValue?[.atom("__struct__")] == .atom("Elixir.Swerl.Address"))
        #expect(term.mapValue?[.atom("role")] == .atom("admin"))
        #expect(term.mapValue?[.atom("balance")] == Term(BigInteger("18446744073709551615")!))
        #expect(term.mapValue?[.atom("scores")] == .map([.utf8("analysis"): 9.5]))
    }

    @Test func keywordListKeepsDeclarationOrder() throws {
        let term = try encoder.encode(Config(host: "localhost", port: 4000, verbose: true))
        #expect(term == [.pair(.atom("host"), .utf8("localhost")), .pair(.atom("port"), 4000), .pair(.atom("verbose"), .true)])
    }

    @Test func recordIsATaggedTupleAndTupleIsBare() throws {
        #expect(try encoder.encode(Point(x: 1, y: -2)) == .tuple([.atom("point"), 1, -2]))
        let tupleEncoder = TermEncoder(structEncoding: .tuple)
        #expect(try tupleEncoder.encode(Person(name: "Ada", age: 36, email: nil)) == .tuple([.utf8("Ada"), 36, .atom(.nil)]))
    }

    @Test func encoderWideLayoutAppliesToTypesWithoutOptions() throws {
        let record = TermEncoder(structEncoding: .record(tag: "person"))
        let term = try record.encode(Team(lead: .ada, origin: Point(x: 0, y: 0), legacy: Legacy(name: "a", aliases: [], owner: nil)))
        #expect(term.tupleElements?.first == .atom("person"))
        #expect(term.tupleElements?[2] == .tuple([.atom("point"), 0, 0]))
    }

    @Test func snakeCaseKeys() throws {
        struct Keys: Codable { var firstName: String; var homeURL: String; var userID2: Int }
        let term = try TermEncoder(keyEncoding: .convertToSnakeCase).encode(Keys(firstName: "a", homeURL: "b", userID2: 3))
        #expect(term.mapValue?.keys == [.atom("first_name"), .atom("home_url"), .atom("user_id2")])
    }

    @Test func enumWithAssociatedValuesIsANestedMap() throws {
        let term = try encoder.encode(Event.renamed(from: "a", to: "b"))
        #expect(term == atomMap(["renamed": atomMap(["from": .utf8("a"), "to": .utf8("b")])]))
    }

    @Test func emptyStructIsAnEmptyContainerInItsLayout() throws {
        struct Empty: Codable {}
        #expect(try encoder.encode(Empty()) == .map([:]))
        #expect(try TermEncoder(structEncoding: .record(tag: "empty")).encode(Empty()) == .tuple([.atom("empty")]))
    }

    @Test func encodeToETFWritesTheTermsBytes() throws {
        let person = Person(name: "Ada", age: 36, email: "ada@example.org")
        let bytes = try encoder.encodeToETF(person)
        #expect(bytes == (try ETFEncoder().encode(try encoder.encode(person))))
        #expect(try ETFDecoder().decode(bytes) == (try encoder.encode(person)))
    }
}

@Suite struct TermEncoderValueTests {
    let encoder = TermEncoder()

    @Test func stringsAsBinariesCharlistsOrAtoms() throws {
        #expect(try encoder.encode("héllo") == .binary(Array("héllo".utf8)))
        let charlists = TermEncoder(stringEncoding: .charlist)
        #expect(try charlists.encode("héllo") == .string([104, 233, 108, 108, 111]))
        #expect(try charlists.encode("привет").listElements?.first == .integer(0x43F))
        #expect(try charlists.encode("") == .emptyList)
        #expect(try TermEncoder(stringEncoding: .atom).encode("ok") == .ok)
    }

    @Test func inheritedStringAndNilEncodings() throws {
        let term = try encoder.encode(Legacy(name: "é", aliases: ["x"], owner: nil))
        #expect(term == atomMap(["name": .string([233]), "aliases": .list([.string([120])]), "owner": .undefined]))
    }

    @Test func nilAsNilOrUndefined() throws {
        let values: [Int?] = [1, nil]
        #expect(try encoder.encode(values) == [1, .atom(.nil)])
        #expect(try TermEncoder(nilEncoding: .undefined).encode(values) == [1, .undefined])
        #expect(try encoder.encode(Int?.none) == .atom(.nil))
    }

    @Test func integersOfEveryWidth() throws {
        #expect(try encoder.encode(Int8.min) == -128)
        #expect(try encoder.encode(UInt16.max) == 65535)
        #expect(try encoder.encode(Int32.min) == .integer(Int(Int32.min)))
        #expect(try encoder.encode(Int64.min) == .integer(Int.min))
        #expect(try encoder.encode(UInt64(Int.max)) == .integer(Int.max))
        #expect(try encoder.encode(UInt64.max) == .bigInteger(BigInteger(isNegative: false, magnitude: Array(repeating: 0xFF, count: 8))))
        #expect(try encoder.encode(UInt.max) == Term(BigInteger("18446744073709551615")!))
    }

    @available(macOS 15.0, *)
    @Test func wideIntegersBecomeBigIntegers() throws {
        #expect(try encoder.encode(Int128.min) == Term(BigInteger("-170141183460469231731687303715884105728")!))
        #expect(try encoder.encode(UInt128(42)) == 42)
    }

    @Test func boolsFloatsAndBigIntegers() throws {
        #expect(try encoder.encode([true, false]) == [.true, .false])
        #expect(try encoder.encode(1.5) == .float(1.5))
        #expect(try encoder.encode(Float(0.25)) == .float(0.25))
        #expect(try encoder.encode(BigInteger(7)) == 7)
        #expect(try encoder.encode(BigInteger("100000000000000000000")!) == Term(BigInteger("100000000000000000000")!))
    }

    @Test func termsAndIdentifiersPassThrough() throws {
        let sample = Carrier.sample
        let term = try encoder.encode(sample)
        #expect(term == atomMap([
            "term": sample.term, "atom": .atom("hello"), "pid": .pid(sample.pid),
            "port": .port(sample.port), "ref": .reference(sample.ref), "big": Term(sample.big),
        ]))
        #expect(try encoder.encode(Term.tuple([.ok])) == .tuple([.ok]))
    }

    @Test func dictionariesAreMapsKeyedAsTheirKeysEncode() throws {
        #expect(try encoder.encode(["a": 1]) == .map([.utf8("a"): 1]))
        #expect(try encoder.encode([1: "one"]) == .map([1: .utf8("one")]))
        #expect(try encoder.encode([Atom("a"): 1]) == .map([.atom("a"): 1]))
        #expect(try encoder.encode([Role.admin: 1]) == .map([.atom("admin"): 1]))
        #expect(try TermEncoder(stringEncoding: .atom).encode(["a": 1]) == .map([.atom("a"): 1]))
    }

    @Test func atomEnumsAndArrays() throws {
        #expect(try encoder.encode(Role.member) == .atom("member"))
        #expect(try encoder.encode([Role.admin, .member]) == [.atom("admin"), .atom("member")])
        #expect(try encoder.encode([[1], [2, 3]]) == [[1], [2, 3]])
        #expect(try encoder.encode(Set([5])) == [5])
    }

    @Test func bytesAsBinaryOrList() throws {
        #expect(try encoder.encode([UInt8]([1, 2, 255])) == .binary([1, 2, 255]))
        #expect(try encoder.encode(Data([1, 2])) == .binary([1, 2]))
        #expect(try encoder.encode(ContiguousArray<UInt8>([3])) == .binary([3]))
        #expect(try TermEncoder(bytesEncoding: .list).encode([UInt8]([1, 2])) == [1, 2])
    }

    @Test func customEncodeWithNestedContainersAndSuperEncoder() throws {
        let term = try encoder.encode(Nested())
        #expect(term == atomMap([
            "inner": atomMap(["a": 1]), "list": [.utf8("x"), [2]], "super": .atom("base"), "plain": 3,
        ]))
    }
}

/// Writes through every kind of nested container.
private struct Nested: Encodable {
    enum Keys: String, CodingKey { case inner, list, plain, a }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var inner = container.nestedContainer(keyedBy: Keys.self, forKey: .inner)
        try inner.encode(1, forKey: .a)
        var list = container.nestedUnkeyedContainer(forKey: .list)
        try list.encode("x")
        var nestedList = list.nestedUnkeyedContainer()
        try nestedList.encode(2)
        try Atom("base").encode(to: container.superEncoder())
        var again = encoder.container(keyedBy: Keys.self)
        try again.encode(3, forKey: .plain)
    }
}

extension Term {
    /// The map, if this term is one.
    var mapValue: TermMap? {
        if case .map(let map) = self { return map }
        return nil
    }
}
