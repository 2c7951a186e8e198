import ErlangTestSupport
import Foundation
import Testing

/// `swerl demo`, the README's main-job command, run as a user runs it.
@Suite struct DemoCommandTests {
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func theWalkthroughSharesAGroupWithTwoElixirNodes() throws {
        _ = try ErlangInterop.requireErl()
        let started = ContinuousClock.now
        let output = String(decoding: try ErlangInterop.run(TermCommandTests.swerl, ["demo"], timeout: .seconds(60)), as: UTF8.self)
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(output.contains("Erlang: {hello, <<\"from Swift\">>, #{count => 3, ratio => 0.5}, [1, 2|tail], 123456789012345678901234567890}"))
        #expect(output.contains("A real Erlang/OTP 25 read those bytes as:"))
        #expect(output.contains("Swerl decoded the same term from identical bytes."))
        let pid = try #require(output.firstMatch(of: /name demo_a_(\d+) at port/)?.1)
        for alive in ["demo_a", "demo_b", "demo_swift"] { #expect(output.contains("name \(alive)_\(pid) at port")) }
        let everyone = "[:\"demo_a_\(pid)@127.0.0.1\", :\"demo_b_\(pid)@127.0.0.1\", :\"demo_swift_\(pid)@127.0.0.1\"]"
        #expect(output.components(separatedBy: "\n" + everyone + "\n").count == 3, "both Elixir nodes list all three members")
        #expect(output.contains("// 3 members"))
        #expect(output.contains("\n:hello\n"), "the echo round trip from Elixir")
        #expect(output.contains("// 2 members"))
        #expect(output.contains("\n[:\"demo_a_\(pid)@127.0.0.1\", :\"demo_swift_\(pid)@127.0.0.1\"]\n"), "the group shrank on Elixir")
        #expect(output.contains("Cleaned up"))
        #expect(!Self.running("demo_a_\(pid)") && !Self.running("demo_b_\(pid)"), "the Elixir nodes are stopped")
    }

    @Test func theSwiftOnlyWalkthroughNeedsNoErlang() throws {
        let output = String(decoding: try ErlangInterop.run(TermCommandTests.swerl, ["demo", "--swift-only"], timeout: .seconds(60)), as: UTF8.self)
        #expect(output.contains("with Swift nodes only"))
        #expect(output.contains("// 3 members"))
        #expect(output.contains(", hello}, received {<demo_swift_"))
        #expect(output.contains("// 2 members"))
        #expect(output.contains("Cleaned up"))
    }

    /// Whether a process whose command line names `node` still runs.
    static func running(_ node: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.contains { entry in
            guard Int(entry) != nil, let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(node + "@")
        }
    }
}
