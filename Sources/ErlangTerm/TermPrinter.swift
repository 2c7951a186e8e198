/// Prints terms in Erlang or Elixir syntax.
public struct TermPrinter: Sendable {
    /// Which language's syntax to print.
    public enum Syntax: Sendable {
        /// `{ok, <<"a">>, #{k => [1|2]}}`.
        case erlang
        /// `{:ok, "a", %{k: [1 | 2]}}`.
        case elixir
    }

    /// The syntax in use.
    public var syntax: Syntax

    /// A printer for Erlang syntax.
    public static let erlang = TermPrinter(syntax: .erlang)
    /// A printer for Elixir syntax.
    public static let elixir = TermPrinter(syntax: .elixir)

    /// An atom's name as this syntax writes it.
    public func atom(_ name: String) -> String {
        name
    }
}
