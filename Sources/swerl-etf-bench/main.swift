// swerl-etf-bench: the Swift side of the codec bench in shared/bench (README.md there):
// decode = ETF bytes → full `Term` with `ETFDecoder`, encode = `Term` → bytes with `ETFEncoder()`
// (minor_version 2, as the corpora were written) into one reused buffer.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

do {
    let options = try BenchOptions(CommandLine.arguments.dropFirst())
    guard !options.corpora.isEmpty else {
        throw UsageError("usage: swerl-etf-bench [--runs N] [--min-time S] [--ops decode,encode] [--once] CORPUS.etf...")
    }
    for path in options.corpora {
        CorpusBench(corpus: try Corpus(path: path), options: options).run()
    }
} catch {
    log("\(error)")
    exit(2)
}
