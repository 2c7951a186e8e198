import ErlangTerm

// Swift types shared by the Codable bridge tests; the interop tests define matching Elixir modules.

struct Person: Codable, Equatable {
    var name: String
    var age: Int
    var email: String?
}

enum Role: String, Codable, Equatable, TermAtomCodable {
    case admin
    case member
    case undefined
}

struct Address: Codable, Equatable, TermCodingOptions {
    static var termStructEncoding: TermStructEncoding? { .elixirStruct(module: "Swerl.Address") }
    var street: String
    var city: String
}

struct User: Codable, Equatable, TermCodingOptions {
    static var termStructEncoding: TermStructEncoding? { .elixirStruct(module: "Elixir.Swerl.User") }
    var name: String
    var age: Int
    var email: String?
    var role: Role
    var tags: [String]
    var addresses: [Address]
    var balance: UInt64
    var scores: [String: Double]
}

struct Point: Codable, Equatable, TermCodingOptions {
    static var termStructEncoding: TermStructEncoding? { .record(tag: "point") }
    var x: Int
    var y: Int
}

struct Config: Codable, Equatable, TermCodingOptions {
    static var termStructEncoding: TermStructEncoding? { .keywordList }
    var host: String
    var port: Int
    var verbose: Bool
}

struct Legacy: Codable, Equatable, TermCodingOptions {
    static var termStringEncoding: TermStringEncoding? { .charlist }
    static var termNilEncoding: TermNilEncoding? { .undefined }
    var name: String
    var aliases: [String]
    var owner: String?
}

struct Team: Codable, Equatable {
    var lead: User
    var origin: Point
    var legacy: Legacy
}

enum Event: Codable, Equatable {
    case joined(userID: Int)
    case renamed(from: String, to: String)
}

struct Carrier: Codable, Equatable {
    var term: Term
    var atom: Atom
    var pid: PID
    var port: Port
    var ref: Reference
    var big: BigInteger
}

extension User {
    static let ada = User(
        name: "Ada", age: 36, email: nil, role: .admin, tags: ["math", "engines"],
        addresses: [Address(street: "St James's Square", city: "London")],
        balance: UInt64.max, scores: ["analysis": 9.5]
    )
}

extension Carrier {
    static let sample = Carrier(
        term: .tuple([.ok, .list([1, 2])]),
        atom: "hello",
        pid: PID(node: "swerl@localhost", id: 42, serial: 1, creation: 7),
        port: Port(node: "swerl@localhost", id: 9, creation: 7),
        ref: Reference(node: "swerl@localhost", ids: [1, 2, 3], creation: 7),
        big: BigInteger("-123456789012345678901234567890")!
    )
}

/// `#{k1 => v1, ...}` with atom keys.
func atomMap(_ pairs: KeyValuePairs<String, Term>) -> Term {
    .map(TermMap(pairs.map { (.atom(Atom($0.key)), $0.value) }))
}
