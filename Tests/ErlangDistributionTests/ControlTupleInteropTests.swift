import ErlangDistribution
import ErlangTerm
import ErlangTestSupport
import Foundation
import NIOCore
import Testing

/// Real OTP builds every sample control tuple and payload and writes them as a pass-through frame
/// (`'p'`, then `term_to_binary` of each with UTF-8 atoms, as the distribution writes them);
/// Swerl's writer must produce the same bytes and its reader must read OTP's.
@Suite struct ControlTupleInteropTests {
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func passThroughFramesMatchOTPByteForByte() throws {
        let samples = ControlMessageSamples.all
        let frames = samples.map { sample -> String in
            let control = "term_to_binary(\(erlang(sample.message.term)), [{minor_version, 2}])"
            guard let payload = sample.payload else { return "<<112, (\(control))/binary>>" }
            return "<<112, (\(control))/binary, (term_to_binary(\(erlang(payload)), [{minor_version, 2}]))/binary>>"
        }
        let expression = "lists:foreach(fun(F) -> io:format(\"~s~n\", [binary:encode_hex(F)]) end, ["
            + frames.joined(separator: ",\n") + "]), halt()."
        let output = String(decoding: try ErlangInterop.eval(expression), as: UTF8.self)
        let lines = output.split(whereSeparator: \.isNewline).map(String.init)
        try #require(lines.count == samples.count, "erl printed \(lines.count) lines for \(samples.count) samples:\n\(output)")
        for (sample, line) in zip(samples, lines) {
            let otp = hex(line)
            let message = DistributionMessage(control: sample.message, payload: sample.payload)
            var writer = DistributionMessageWriter(flags: Fixtures.passThroughFlags.union(.altactSig))
            #expect(try writer.write(message).map(bytes) == [otp], "\(sample.message.opCode.otpName)")
            var reader = DistributionMessageReader(flags: Fixtures.passThroughFlags)
            #expect(try reader.read(frame: buffer(otp)) == message, "\(sample.message.opCode.otpName)")
        }
    }

    /// The term in Erlang syntax; pids, references and big integers are built by OTP from their
    /// external format, so OTP writes them back itself.
    private func erlang(_ term: Term) -> String {
        switch term {
        case .integer(let value): return String(value)
        case .atom(let atom): return "'" + atom.name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        case .tuple(let elements): return "{" + elements.map(erlang).joined(separator: ", ") + "}"
        case .list(let elements): return "[" + elements.map(erlang).joined(separator: ", ") + "]"
        case .binary(let bytes): return "<<" + bytes.map(String.init).joined(separator: ",") + ">>"
        default:
            let encoded = (try? ETFEncoder().encode(term)) ?? []
            return "binary_to_term(<<" + encoded.map(String.init).joined(separator: ",") + ">>)"
        }
    }
}
