import ErlangTerm
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the ops of the contract on one corpus and prints one RESULT or UNSUPPORTED line per op.
struct CorpusBench {
    let corpus: Corpus
    let options: BenchOptions
    let decoder = ETFDecoder()
    let encoder = ETFEncoder()

    func run() {
        for op in options.ops {
            do {
                switch op {
                case .decode: try measureDecode()
                case .encode: try measureEncode()
                }
            } catch {
                emit(["UNSUPPORTED", "swift", corpus.name, op.rawValue, "\(error)"])
            }
        }
    }

    private func measureDecode() throws {
        let blobs = corpus.blobs
        let timing = try time { try benchPass_decode(blobs, decoder: decoder) }
        report(.decode, timing, outBytes: corpus.bytesPerPass)
    }

    private func measureEncode() throws {
        let terms = try corpus.blobs.map { try decoder.decode($0) }
        let outBytes = try checkEncoding(terms)
        var buffer = ByteBuffer()
        let timing = try time { try benchPass_encode(terms, encoder: encoder, buffer: &buffer) }
        report(.encode, timing, outBytes: outBytes)
    }

    /// Encodes every term once and compares it with OTP's bytes; returns the total encoded size.
    private func checkEncoding(_ terms: [Term]) throws -> Int {
        var total = 0
        var mismatches: [Int] = []
        for (index, term) in terms.enumerated() {
            let bytes = try encoder.encode(term)
            total += bytes.count
            if bytes != corpus.blobs[index] { mismatches.append(index) }
        }
        if let first = mismatches.first {
            let mine = try encoder.encode(terms[first])
            log("\(corpus.name): \(mismatches.count) of \(terms.count) terms encode unlike OTP; first is term \(first)")
            log(Self.difference(otp: corpus.blobs[first], swift: mine))
        }
        return total
    }

    /// Where two encodings part, with a little context in hex.
    static func difference(otp: [UInt8], swift: [UInt8]) -> String {
        let at = zip(otp, swift).prefix { $0 == $1 }.count
        let window = { (bytes: [UInt8]) in
            bytes[max(0, at - 8)..<min(bytes.count, at + 24)].map { String($0, radix: 16) }.joined(separator: " ")
        }
        return "  differ at byte \(at) (otp \(otp.count) B, swift \(swift.count) B)\n" +
            "  otp:   \(window(otp))\n  swift: \(window(swift))"
    }

    private struct Timing {
        var passesPerRun: Int
        var seconds: [Double]
    }

    /// Warm-up pass, calibration pass, then the timed runs; `--once` times a single pass.
    private func time(_ pass: () throws -> Int) throws -> Timing {
        var sink = 0
        defer { keep(sink) }
        if options.once {
            let seconds = try elapsed { sink &+= try pass() }
            return Timing(passesPerRun: 1, seconds: [seconds])
        }
        sink &+= try pass()
        let calibration = try elapsed { sink &+= try pass() }
        let passes = max(1, Int((options.minTime / max(calibration, 1e-9)).rounded(.up)))
        var seconds: [Double] = []
        for _ in 0..<options.runs {
            seconds.append(try elapsed {
                for _ in 0..<passes { sink &+= try pass() }
            })
        }
        return Timing(passesPerRun: passes, seconds: seconds)
    }

    private func elapsed(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        let duration = start.duration(to: clock.now)
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    private func report(_ op: BenchOp, _ timing: Timing, outBytes: Int) {
        emit([
            "RESULT", "swift", corpus.name, op.rawValue, "\(corpus.blobs.count)", "\(corpus.bytesPerPass)",
            "\(timing.passesPerRun)", "\(outBytes)",
            timing.seconds.map { formatSeconds($0) }.joined(separator: ","),
        ])
    }
}

/// Seconds with six decimals, as the other benches print them.
func formatSeconds(_ seconds: Double) -> String {
    let micros = Int((seconds * 1e6).rounded())
    let fraction = String(micros % 1_000_000)
    return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
}

func emit(_ fields: [String]) {
    print(fields.joined(separator: "\t"))
    fflush(nil)  // Flushes stdout without naming the C global, which strict concurrency refuses.
}

func log(_ line: String) {
    var text = "swerl-etf-bench: \(line)\n"
    text.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// Makes a result observable so that the work producing it is kept.
@inline(never)
func keep(_ value: Int) {
    if value == 0x5EED_5EED { log("checksum \(value)") }
}
