extension Term: CustomStringConvertible {
    /// The term in Erlang syntax, as ``TermPrinter/erlang`` prints it: `{ok, <<"a">>, #{k => [1|2]}}`.
    public var description: String {
        TermPrinter.erlang.print(self)
    }
}
