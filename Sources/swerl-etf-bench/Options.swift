/// The command line of the codec bench contract (`shared/bench/README.md`):
/// `[--runs N] [--min-time S] [--ops decode,encode] [--once] CORPUS.etf...`
struct BenchOptions {
    /// Timed runs per (corpus, op).
    var runs = 7
    /// The least number of seconds one run should take; sets the passes per run.
    var minTime = 0.25
    /// The operations to measure, in order.
    var ops: [BenchOp] = [.decode, .encode]
    /// One untimed-warm-up-free pass per op, for `icount.sh` under callgrind.
    var once = false
    /// The corpus files.
    var corpora: [String] = []

    /// Parses the arguments after the program name.
    init(_ arguments: some Sequence<String>) throws(UsageError) {
        var rest = arguments.makeIterator()
        while let argument = rest.next() {
            switch argument {
            case "--runs": runs = try Self.value(of: argument, from: &rest, as: Int.init)
            case "--min-time": minTime = try Self.value(of: argument, from: &rest, as: Double.init)
            case "--ops": ops = try Self.value(of: argument, from: &rest, as: Self.parseOps)
            case "--once": once = true
            case _ where argument.hasPrefix("--"): throw UsageError("unknown option \(argument)")
            default: corpora.append(argument)
            }
        }
        guard runs > 0, minTime >= 0 else { throw UsageError("--runs must be positive and --min-time not negative") }
    }

    private static func value<T>(
        of option: String, from rest: inout some IteratorProtocol<String>, as parse: (String) -> T?
    ) throws(UsageError) -> T {
        guard let text = rest.next(), let value = parse(text) else {
            throw UsageError("\(option) needs a valid value")
        }
        return value
    }

    private static func parseOps(_ text: String) -> [BenchOp]? {
        let ops = text.split(separator: ",").map { BenchOp(rawValue: String($0)) }
        guard !ops.isEmpty, ops.allSatisfy({ $0 != nil }) else { return nil }
        return ops.compactMap { $0 }
    }
}

/// What one measurement does to a corpus.
enum BenchOp: String {
    /// Bytes to a full `Term`.
    case decode
    /// A `Term` (decoded once, untimed) to bytes.
    case encode
}

/// A bad command line.
struct UsageError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
