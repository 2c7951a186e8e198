extension Term: TermBridgedEncodable, TermBridgedDecodable {
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term {
        self
    }

    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws {
        self = term
    }
}

extension Atom: TermBridgedEncodable, TermBridgedDecodable {
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term {
        .atom(self)
    }

    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws {
        guard case .atom(let atom) = term else { throw ErlangTermError.mismatch(at: path, expected: "an atom", found: term) }
        self = atom
    }
}

extension BigInteger: TermBridgedEncodable, TermBridgedDecodable {
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term {
        Term(self)
    }

    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws {
        switch term {
        case .integer(let value): self = BigInteger(value)
        case .bigInteger(let value): self = value
        default: throw ErlangTermError.mismatch(at: path, expected: "an integer", found: term)
        }
    }
}

extension PID: TermBridgedEncodable, TermBridgedDecodable {
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term {
        .pid(self)
    }

    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws {
        guard case .pid(let pid) = term else { throw ErlangTermError.mismatch(at: path, expected: "a pid", found: term) }
        self = pid
    }
}

extension Port: TermBridgedEncodable, TermBridgedDecodable {
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term {
        .port(self)
    }

    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws {
        guard case .port(let port) = term else { throw ErlangTermError.mismatch(at: path, expected: "a port", found: term) }
        self = port
    }
}

extension Reference: TermBridgedEncodable, TermBridgedDecodable {
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term {
        .reference(self)
    }

    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws {
        guard case .reference(let reference) = term else {
            throw ErlangTermError.mismatch(at: path, expected: "a reference", found: term)
        }
        self = reference
    }
}
