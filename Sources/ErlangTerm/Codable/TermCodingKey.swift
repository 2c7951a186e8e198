/// The coding keys the bridge makes itself: list positions, dictionary entries and `super`.
struct TermCodingKey: CodingKey {
    /// What the key stands for, which decides how a path prints it.
    enum Kind {
        /// A position in a list or tuple, printed `[2]`.
        case index(Int)
        /// A dictionary entry, printed `["alice"]`.
        case entry(String)
        /// A named field, printed `.name`.
        case field(String)
    }

    let kind: Kind

    init(index: Int) {
        kind = .index(index)
    }

    init(entry label: String) {
        kind = .entry(label)
    }

    init?(stringValue: String) {
        kind = .field(stringValue)
    }

    init?(intValue: Int) {
        kind = .index(intValue)
    }

    /// The key `super`, where `superEncoder()` and `superDecoder()` keep a superclass's fields.
    static let `super` = TermCodingKey(kind: .field("super"))

    private init(kind: Kind) {
        self.kind = kind
    }

    var stringValue: String {
        switch kind {
        case .index(let index): return "Index \(index)"
        case .entry(let label): return label
        case .field(let name): return name
        }
    }

    var intValue: Int? {
        if case .index(let index) = kind { return index }
        return nil
    }
}

/// Coding paths as error messages show them: `user.addresses[2].street`.
enum TermCodingPath {
    /// The path in dotted form; empty at the top level.
    static func render(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            switch (key as? TermCodingKey)?.kind {
            case .index(let index): text += "[\(index)]"
            case .entry(let label): text += "[\(label)]"
            case .field(let name): text += text.isEmpty ? name : "." + name
            case nil: text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }
}

extension ErlangTermError {
    /// A bridge error at `path`: `path: message`, or only the message at the top level.
    static func coding(_ code: Code = .typeMismatch, at path: [any CodingKey], _ message: String) -> ErlangTermError {
        let location = TermCodingPath.render(path)
        return ErlangTermError(code, location.isEmpty ? message : "\(location): \(message)")
    }

    /// `path: expected <expected>, found <term>`.
    static func mismatch(at path: [any CodingKey], expected: String, found term: Term) -> ErlangTermError {
        coding(at: path, "expected \(expected), found \(term.codingDescription)")
    }
}
