import ErlangTestSupport
import Foundation
import Testing

/// `swerl demo`, the README's main-job command, run as a user runs it.
@Suite struct DemoCommandTests {
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func theWalkthroughCrossesARealErlangAndItsEPMD() throws {
        _ = try ErlangInterop.requireErl()
        let output = String(decoding: try ErlangInterop.run(TermCommandTests.swerl, ["demo"]), as: UTF8.self)
        #expect(output.contains("Erlang: {hello, <<\"from Swift\">>, #{count => 3, ratio => 0.5}, [1, 2|tail], 123456789012345678901234567890}"))
        #expect(output.contains("A real Erlang/OTP 25 read those bytes as:"))
        #expect(output.contains("Swerl decoded the same term from identical bytes."))
        #expect(output.contains("name swerl_demo at port 50000"))
        #expect(output.contains("name demo_erl_"))
    }
}
