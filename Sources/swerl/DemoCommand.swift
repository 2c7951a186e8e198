import ArgumentParser
import ErlangTerm
import Foundation

/// `swerl demo`: the README's walkthrough of what Swerl does.
///
/// First a term crossing between Swift and a real Erlang runtime byte for byte; then the cluster:
/// on Swerl's own EPMD (a private port), two Elixir nodes and a Swift node share the `pg` group
/// `process_group`, a message goes round trip, one Elixir node stops and the group shrinks
/// everywhere. Without Erlang it does the same with Swift nodes only. It stops everything it started.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Walk through what Swerl does, with a real Erlang runtime when one is installed."
    )

    @Flag(name: .customLong("swift-only"), help: "Walk through the cluster with Swift nodes only, even when Erlang is installed.")
    var swiftOnly = false

    func run() async throws {
        let erl = Self.executable(named: "erl")
        try showTerms(erl: erl)
        print("")
        try await Self.showCluster(erl: swiftOnly ? nil : erl)
    }

    private func showTerms(erl: String?) throws {
        let term = Self.sampleTerm
        let bytes = try ETFEncoder().encode(term)
        print("A term built in Swift:")
        print("  Erlang: \(TermPrinter.erlang.print(term))")
        print("  Elixir: \(TermPrinter.elixir.print(term))")
        print("Its external term format (\(bytes.count) bytes, as term_to_binary(T, [{minor_version, 2}]) writes it):")
        print("  " + bytes.map { String(format: "%02x", $0) }.joined())
        guard let erl else {
            print("erl is not installed: install Erlang/OTP to see a real runtime read these bytes.")
            return
        }
        try Self.crossRealErlang(bytes, erl: erl)
    }

    static let sampleTerm: Term = .tuple([
        .atom("hello"), .utf8("from Swift"), .map([.atom("count"): 3, .atom("ratio"): 0.5]),
        .list([1, 2], tail: .atom("tail")), Term(BigInteger("123456789012345678901234567890")!),
    ])

    /// Has `erl` read the bytes, print the term, and write it back; compares both directions.
    static func crossRealErlang(_ bytes: [UInt8], erl: String) throws {
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let script = """
            T = binary_to_term(binary:decode_hex(<<"\(hex)">>)),
            io:format("~ts~n~ts~n", [erlang:system_info(otp_release), io_lib:format("~1000tp", [T])]),
            io:format("~ts~n", [binary:encode_hex(term_to_binary(T, [{minor_version, 2}]))]),
            halt().
            """
        let lines = try run(erl, ["-noshell", "-eval", script]).split(separator: "\n").map(String.init)
        guard lines.count == 3, let back = Self.bytes(fromHex: lines[2]) else {
            throw DemoError("erl answered something unexpected: \(lines)")
        }
        print("A real Erlang/OTP \(lines[0]) read those bytes as:")
        print("  \(lines[1])")
        let again = try ETFDecoder().decode(back)
        let same = back == bytes && again == sampleTerm
        print("and wrote it back; Swerl decoded the same term from \(same ? "identical" : "DIFFERENT") bytes.")
        if !same { throw ExitCode.failure }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func bytes(fromHex text: String) -> [UInt8]? {
        var result: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            guard let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex),
                  let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}
