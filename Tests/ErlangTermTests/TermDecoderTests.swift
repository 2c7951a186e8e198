import ErlangTerm
import Foundation
import Testing

@Suite struct TermDecoderStructTests {
    let encoder = TermEncoder()
    let decoder = TermDecoder()

    @Test func roundTripsEveryLayout() throws {
        let team = Team(lead: .ada, origin: Point(x: 3, y: 4), legacy: Legacy(name: "é", aliases: ["a", "b"], owner: nil))
        #expect(try decoder.decode(Team.self, from: try encoder.encode(team)) == team)
        let config = Config(host: "h", port: 1, verbose: false)
        #expect(try decoder.decode(Config.self, from: try encoder.encode(config)) == config)
        let person = Person(name: "Ada", age: 36, email: "a@b")
        let tuple = TermEncoder(structEncoding: .tuple)
        #expect(try TermDecoder(structEncoding: .tuple).decode(Person.self, from: try tuple.encode(person)) == person)
    }

    @Test func mapsWithBinaryKeysAndKeywordLists() throws {
        let binaryKeys: Term = .map([.utf8("name"): .utf8("Ada"), .utf8("age"): 36])
        #expect(try decoder.decode(Person.self, from: binaryKeys) == Person(name: "Ada", age: 36, email: nil))
        let keywords: Term = [.pair(.atom("age"), 36), .pair(.atom("name"), .utf8("Ada")), .pair(.atom("age"), 99)]
        #expect(try decoder.decode(Person.self, from: keywords) == Person(name: "Ada", age: 36, email: nil))
        let both: Term = .map([.atom("age"): 1, .utf8("age"): 2, .atom("name"): .utf8("x")])
        #expect(try decoder.decode(Person.self, from: both).age == 1)
    }

    @Test func optionalsReadNilUndefinedAndAbsentKeys() throws {
        for missing in [Term.atom(.nil), .undefined] {
            let term = atomMap(["name": .utf8("Ada"), "age": 36, "email": missing])
            #expect(try decoder.decode(Person.self, from: term).email == nil)
        }
        #expect(try decoder.decode([Int?].self, from: [1, .undefined, .atom(.nil)]) == [1, nil, nil])
        #expect(try decoder.decode(Int?.self, from: .undefined) == nil)
    }

    @Test func elixirStructAcceptsAPlainMap() throws {
        let plain = atomMap(["street": .utf8("Main"), "city": .utf8("Oslo")])
        #expect(try decoder.decode(Address.self, from: plain) == Address(street: "Main", city: "Oslo"))
    }

    @Test func snakeCaseKeysAndEnumCases() throws {
        struct Keys: Codable, Equatable { var firstName: String; var homeURL: String }
        let snake = TermDecoder(keyEncoding: .convertToSnakeCase)
        let term = atomMap(["first_name": .utf8("a"), "home_url": .utf8("b")])
        #expect(try snake.decode(Keys.self, from: term) == Keys(firstName: "a", homeURL: "b"))
        let event = atomMap(["joined": atomMap(["user_id": 7])])
        #expect(try snake.decode(Event.self, from: event) == .joined(userID: 7))
        #expect(try decoder.decode(Event.self, from: try encoder.encode(Event.renamed(from: "a", to: "b"))) == .renamed(from: "a", to: "b"))
    }

    @Test func decodesFromETFBytes() throws {
        let bytes = try encoder.encodeToETF(User.ada)
        #expect(try decoder.decode(User.self, fromETF: bytes) == .ada)
    }
}

@Suite struct TermDecoderValueTests {
    let decoder = TermDecoder()

    @Test func stringsFromBinariesCharlistsAndAtoms() throws {
        #expect(try decoder.decode(String.self, from: .utf8("héllo")) == "héllo")
        #expect(try decoder.decode(String.self, from: .string([104, 233])) == "hé")
        #expect(try decoder.decode(String.self, from: [0x43F, 0x440]) == "пр")
        #expect(try decoder.decode(String.self, from: .emptyList) == "")
        #expect(try decoder.decode(String.self, from: .atom("ok")) == "ok")
        #expect(try TermDecoder(stringEncoding: .atom).decode(String.self, from: .atom(.nil)) == "nil")
        #expect(try decoder.decode(Role.self, from: .undefined) == .undefined)
        #expect(try decoder.decode(Role.self, from: .utf8("admin")) == .admin)
    }

    @Test func integersAndFloats() throws {
        #expect(try decoder.decode(Int8.self, from: -128) == Int8.min)
        #expect(try decoder.decode(UInt64.self, from: Term(BigInteger("18446744073709551615")!)) == UInt64.max)
        #expect(try decoder.decode(Int64.self, from: .integer(Int.min)) == Int64.min)
        #expect(try decoder.decode(Int.self, from: .bigInteger(BigInteger(isNegative: true, magnitude: [0, 0, 0, 0, 0, 0, 0, 0x80]))) == Int.min)
        #expect(try decoder.decode(Double.self, from: 3) == 3.0)
        #expect(try decoder.decode(Double.self, from: Term(BigInteger("100000000000000000000")!)) == 1e20)
        #expect(try decoder.decode(Float.self, from: .float(0.5)) == 0.5)
        #expect(try decoder.decode([Bool].self, from: [.true, .false]) == [true, false])
        #expect(try decoder.decode(BigInteger.self, from: 5) == BigInteger(5))
    }

    @available(macOS 15.0, *)
    @Test func wideIntegers() throws {
        let big = Term(BigInteger("-170141183460469231731687303715884105728")!)
        #expect(try decoder.decode(Int128.self, from: big) == Int128.min)
        #expect(try decoder.decode(UInt128.self, from: 9) == 9)
    }

    @Test func sequencesFromListsAndTuples() throws {
        #expect(try decoder.decode([Int].self, from: .tuple([1, 2, 3])) == [1, 2, 3])
        #expect(try decoder.decode([Int].self, from: .string([1, 2])) == [1, 2])
        #expect(try decoder.decode(Set<Int>.self, from: [1, 1]) == [1])
    }

    @Test func bytesFromBinariesAndByteLists() throws {
        #expect(try decoder.decode([UInt8].self, from: .binary([1, 2])) == [1, 2])
        #expect(try decoder.decode([UInt8].self, from: [1, 2]) == [1, 2])
        #expect(try decoder.decode(Data.self, from: .binary([9])) == Data([9]))
        #expect(try decoder.decode(ContiguousArray<UInt8>.self, from: .string([7])) == [7])
    }

    @Test func dictionariesFromMapsAndProplists() throws {
        #expect(try decoder.decode([String: Int].self, from: .map([.utf8("a"): 1, .atom("b"): 2])) == ["a": 1, "b": 2])
        #expect(try decoder.decode([Int: String].self, from: .map([1: .utf8("x")])) == [1: "x"])
        #expect(try decoder.decode([Atom: Int].self, from: [.pair(.atom("a"), 1)]) == ["a": 1])
        #expect(try decoder.decode([Role: Int].self, from: .map([.atom("admin"): 1])) == [.admin: 1])
    }

    @Test func termsAndIdentifiersPassThrough() throws {
        let sample = Carrier.sample
        #expect(try decoder.decode(Carrier.self, from: try TermEncoder().encode(sample)) == sample)
        #expect(try decoder.decode(Term.self, from: .tuple([.ok, 1])) == .tuple([.ok, 1]))
    }

    @Test func identifiersThroughOtherCoders() throws {
        struct Holder: Codable, Equatable { var pid: PID; var atom: Atom; var big: BigInteger; var ref: Reference; var port: ErlangTerm.Port }
        let sample = Carrier.sample
        let holder = Holder(pid: sample.pid, atom: sample.atom, big: sample.big, ref: sample.ref, port: sample.port)
        let json = try JSONEncoder().encode(holder)
        #expect(try JSONDecoder().decode(Holder.self, from: json) == holder)
        #expect(throws: EncodingError.self) { try JSONEncoder().encode([Term.ok]) }
    }
}
