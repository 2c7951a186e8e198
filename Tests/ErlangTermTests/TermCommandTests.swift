import ErlangTerm
import ErlangTestSupport
import Foundation
import Testing

/// `swerl term` run as a user runs it: the built binary, bytes on standard input.
@Suite struct TermCommandTests {
    /// The `swerl` executable that `swift build` put beside this test binary.
    static let swerl: String = {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0])] + Bundle.allBundles.map(\.bundleURL)
        let directories = candidates.map { $0.deletingLastPathComponent() }
        let found = directories.map { $0.appendingPathComponent("swerl").path }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        return found ?? "swerl"
    }()

    func run(_ arguments: [String], input: String) throws -> String {
        let output = try ErlangInterop.run(Self.swerl, ["term"] + arguments, input: Data(input.utf8))
        return String(decoding: output, as: UTF8.self)
    }

    @Test func encodesTextToHexAndBase64() throws {
        #expect(try run(["encode", "--hex"], input: #"{ok, <<"a">>}."#) == "83680277026f6b6d0000000161\n")
        #expect(try run(["encode", "--base64"], input: "ok") == "g3cCb2s=\n")
        #expect(try run(["encode", "--hex", "--minor-version", "1"], input: "ok") == "836400026f6b\n")
    }

    @Test func decodesHexBase64AndRawBytes() throws {
        #expect(try run(["decode", "--hex"], input: "83 68 02 77 02 6f 6b\n6d 00 00 00 01 61\n") == "{ok, <<\"a\">>}\n")
        #expect(try run(["decode", "--base64", "--elixir"], input: "g3cCb2s=") == ":ok\n")
        let raw = try ErlangInterop.run(Self.swerl, ["term", "encode"], input: Data("#{k => [1|2]}".utf8))
        let decoded = try ErlangInterop.run(Self.swerl, ["term", "decode", "--elixir"], input: raw)
        #expect(String(decoding: decoded, as: UTF8.self) == "%{k: [1 | 2]}\n")
    }

    @Test func compressesOnRequest() throws {
        let text = "[" + Array(repeating: "{a, b}", count: 100).joined(separator: ", ") + "]"
        let compressed = try run(["encode", "--hex", "--compressed"], input: text)
        #expect(compressed.hasPrefix("8350"))
        #expect(try run(["decode", "--hex"], input: compressed) == TermPrinter.erlang.print(try Term(parsing: text)) + "\n")
        #expect(try run(["encode", "--hex", "--compressed=0"], input: "ok") == "8377026f6b\n")
    }

    @Test func reportsErrorsOnOneLineWithAFailingStatus() throws {
        for (arguments, input, message) in [
            (["encode"], "{ok,", "error: syntax at offset 4: expected a term, found the end of the text"),
            (["decode", "--hex"], "8368", "error: truncated at offset 2: needs 1 more bytes, 0 left"),
            (["decode", "--hex"], "83x", "error: syntax: hex input has an odd number of digits (3)"),
            (["decode", "--base64"], "!!!", "error: syntax: standard input is not base64"),
        ] {
            let error = #expect(throws: InteropError.self) { try run(arguments, input: input) }
            #expect(error?.description.hasSuffix("exited with 1: \(message)\n") == true, "\(arguments) \(input)")
        }
        #expect(throws: InteropError.self) { try run(["encode", "--compressed=10"], input: "ok") }
        #expect(throws: InteropError.self) { try run(["encode", "--minor-version", "3"], input: "ok") }
    }
}
