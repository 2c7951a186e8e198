/// Reads Erlang term syntax, as `erl_scan:string/1` and `erl_parse:parse_term/1` do.
///
/// It reads integers (`-7`, `16#FF`, `$a`, `1_000`, any size), floats (`1.5`, `-2.0e-3`), atoms
/// (`ok`, `'quoted \n atom'`), strings (`"text"`, adjacent ones joined), binaries with literal bit
/// syntax (`<<"abc">>`, `<<1,2,3:4>>`, `<<"é"/utf8>>`, `<<-1:16/little-signed>>`), lists, improper
/// lists, tuples, maps (`#{k => v}`) and `fun M:F/A`, with white space, `%` comments and an optional
/// final `.`. Pids, ports, references and closures have no syntax, as in Erlang.
///
/// Nesting is followed with an explicit stack, so deep input cannot exhaust the thread's stack;
/// it is limited to ``maxDepth``. Every failure is an ``ErlangTermError`` whose offset counts
/// Unicode scalars (Erlang characters) from the start of the text.
public struct TermParser: Sendable {
    /// The deepest nesting of tuples, lists, maps and binaries accepted.
    public var maxDepth: Int

    /// Creates a parser; the default depth matches ``ETFDecoder/Limits/maxDepth``.
    public init(maxDepth: Int = ETFDecoder.Limits.default.maxDepth) {
        self.maxDepth = maxDepth
    }

    /// Parses one term, optionally followed by `.`; anything else after it is an error.
    public func parse(_ text: String) throws -> Term {
        var reader = TermReader(text, maxDepth: maxDepth)
        return try reader.readDocument()
    }
}

extension Term {
    /// Parses Erlang term syntax with the default ``TermParser``: `try Term(parsing: "{ok, [1|2]}")`.
    public init(parsing text: String) throws {
        self = try TermParser().parse(text)
    }
}

/// The parse in progress: the tokens and the containers opened but not yet closed.
struct TermReader {
    /// A container waiting for its next element; elements are appended in place, never copied.
    struct Frame {
        enum Kind {
            case tuple
            case list
            /// After `|`, waiting for the tail.
            case listTail
            case mapKey
            case mapValue
        }

        var kind: Kind
        /// The elements so far; for a map, keys and values alternate.
        var elements: [Term] = []
    }

    var lexer: TermLexer
    var lookahead: TermToken?
    let maxDepth: Int
    var frames: [Frame] = []

    init(_ text: String, maxDepth: Int) {
        lexer = TermLexer(text)
        self.maxDepth = maxDepth
    }

    mutating func readDocument() throws -> Term {
        let term = try readTerm()
        var token = try take()
        if token.kind == .dot { token = try take() }
        guard token.kind == .end else { throw unexpected(token, expecting: "the end of the text") }
        return term
    }

    /// Reads one term: opens containers until a leaf, then closes as many as the tokens close.
    mutating func readTerm() throws -> Term {
        while true {
            guard var value = try openOrLeaf() else { continue }
            while !frames.isEmpty {
                guard let closed = try add(value) else { break }
                value = closed
            }
            if frames.isEmpty { return value }
        }
    }

    /// A leaf or an empty container, or nil after opening a container that now waits for elements.
    private mutating func openOrLeaf() throws -> Term? {
        let token = try take()
        switch token.kind {
        case .symbol("{"):
            try checkDepth(frames.count + 1, at: token)
            if try skip("}") { return .tuple([]) }
            frames.append(Frame(kind: .tuple))
        case .symbol("["):
            if try skip("]") { return .list([]) }
            try checkDepth(frames.count + 1, at: token)
            frames.append(Frame(kind: .list))
        case .symbol("#"):
            try checkDepth(frames.count + 1, at: token)
            try expect("{")
            if try skip("}") { return .map(TermMap()) }
            frames.append(Frame(kind: .mapKey))
        case .symbol("<<"):
            return try readBinary(at: token, depth: frames.count + 1)
        default:
            return try leaf(token)
        }
        return nil
    }

    // Depth is counted as ETFDecoder counts it: every tuple and map, every list but `[]`.
    func checkDepth(_ depth: Int, at token: TermToken) throws {
        guard depth <= maxDepth else {
            throw ErlangTermError(.depthLimitExceeded, at: token.offset, "nesting deeper than \(maxDepth)")
        }
    }

    /// Adds a finished element to the innermost container; returns the container if the next token
    /// closes it, else nil.
    private mutating func add(_ value: Term) throws -> Term? {
        let top = frames.count - 1
        frames[top].elements.append(value)
        switch frames[top].kind {
        case .tuple:
            if try skip("}") { return .tuple(frames.removeLast().elements) }
            try expect(",", or: "'}'")
        case .list:
            if try skip("]") { return .list(frames.removeLast().elements) }
            if try skip("|") { frames[top].kind = .listTail } else { try expect(",", or: "'|' or ']'") }
        case .listTail:
            try expect("]")
            var elements = frames.removeLast().elements
            let tail = elements.removeLast()
            return Term.list(elements, tail: tail)
        case .mapKey:
            try expect("=>")
            frames[top].kind = .mapValue
        case .mapValue:
            if try skip("}") { return .map(Self.map(frames.removeLast().elements)) }
            try expect(",", or: "'}'")
            frames[top].kind = .mapKey
        }
        return nil
    }

    // erl_parse.erl, normalise: a map literal is maps:from_list/1 of its pairs, so a later key wins.
    private static func map(_ alternating: [Term]) -> TermMap {
        TermMap(stride(from: 0, to: alternating.count, by: 2).map { (alternating[$0], alternating[$0 + 1]) })
    }
}
