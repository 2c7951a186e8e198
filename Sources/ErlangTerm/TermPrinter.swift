/// Prints terms in Erlang or Elixir syntax.
///
/// Erlang output is what `io_lib:format("~tp", [Term])` prints on one line (`erl +pc unicode`
/// by default, see ``PrintableRange``), with `", "` between elements; Elixir output is what
/// Elixir 1.14's `inspect/2` prints with no limits. Printing walks the term with an explicit
/// stack, so a term of any depth prints without exhausting the thread's stack.
///
/// ```swift
/// let term: Term = .tuple([.ok, .utf8("a"), .map([.atom("k"): .list([1], tail: 2)])])
/// TermPrinter.erlang.print(term)  // {ok, <<"a">>, #{k => [1|2]}}
/// TermPrinter.elixir.print(term)  // {:ok, "a", %{k: [1 | 2]}}
/// ```
public struct TermPrinter: Sendable {
    /// Which language's syntax to print.
    public enum Syntax: Sendable, Hashable {
        /// `{ok, <<"a">>, #{k => [1|2]}}`.
        case erlang
        /// `{:ok, "a", %{k: [1 | 2]}}`.
        case elixir
    }

    /// Which characters make a list or binary print as text in Erlang syntax, as `io:printable_range()`
    /// chooses in OTP (`erl +pc latin1`, the default there, or `erl +pc unicode`).
    public enum PrintableRange: Sendable, Hashable {
        /// Only Latin-1 characters are text: `[1099]` prints as a list, `<<"ы"/utf8>>` as bytes.
        case latin1
        /// Every Unicode character is text: `[1099]` prints as `"ы"`, a UTF-8 binary as `<<"ы"/utf8>>`.
        case unicode
    }

    /// The syntax in use.
    public var syntax: Syntax
    /// What goes between the elements of tuples, lists and maps in Erlang syntax: `", "`, or `","`
    /// as `io_lib` writes. Elixir syntax always uses `", "`.
    public var separator: String
    /// Which characters count as text in Erlang syntax (Elixir has fixed rules of its own).
    public var printableRange: PrintableRange

    /// Creates a printer.
    public init(syntax: Syntax, separator: String = ", ", printableRange: PrintableRange = .unicode) {
        self.syntax = syntax
        self.separator = separator
        self.printableRange = printableRange
    }

    /// A printer for Erlang syntax.
    public static let erlang = TermPrinter(syntax: .erlang)
    /// A printer for Elixir syntax.
    public static let elixir = TermPrinter(syntax: .elixir)

    /// The term as text in this printer's syntax.
    public func print(_ term: Term) -> String {
        var walk = PrintWalk(root: term)
        while let step = walk.next() {
            switch step {
            case .text(let text): walk.output += text
            case .term(let term):
                switch syntax {
                case .erlang: erlangStep(term, &walk)
                case .elixir: elixirStep(term, &walk)
                }
            }
        }
        return walk.output
    }

    /// An atom's name as this syntax writes it: `'hello world'` in Erlang, `:"hello world"` in Elixir.
    public func atom(_ name: String) -> String {
        switch syntax {
        case .erlang: Self.erlangAtom(name)
        case .elixir: Self.elixirAtom(name)
        }
    }
}

/// The output so far and the work still to do: text to append and terms to print, last first.
struct PrintWalk {
    enum Step {
        case text(String)
        case term(Term)
    }

    var output = ""
    private var pending: [Step]

    init(root: Term) {
        pending = [.term(root)]
    }

    mutating func next() -> Step? {
        pending.popLast()
    }

    /// Schedules `elements` between `open` and `close`, `separator` between them, with the text
    /// `prefix(i)` before element `i` (an Elixir keyword's `key: `) and an optional `| tail`.
    mutating func container(
        open: String, _ elements: [Term], separator: String, close: String,
        tail: (bar: String, term: Term)? = nil, prefix: ((Int) -> String)? = nil
    ) {
        output += open
        pending.append(.text(close))
        if let tail {
            pending.append(.term(tail.term))
            pending.append(.text(tail.bar))
        }
        for index in elements.indices.reversed() {
            pending.append(.term(elements[index]))
            if let prefix { pending.append(.text(prefix(index))) }
            if index > 0 { pending.append(.text(separator)) }
        }
    }

    /// Schedules map entries as `key arrow value`, separated.
    mutating func entries(open: String, _ entries: [TermMap.Entry], arrow: String, separator: String, close: String) {
        output += open
        pending.append(.text(close))
        for index in entries.indices.reversed() {
            pending.append(.term(entries[index].value))
            pending.append(.text(arrow))
            pending.append(.term(entries[index].key))
            if index > 0 { pending.append(.text(separator)) }
        }
    }
}
