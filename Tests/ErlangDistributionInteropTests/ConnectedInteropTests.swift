import Crypto
import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import NIOConcurrencyHelpers
import Testing

extension DistributionInteropTests {
    /// With `net_ticktime` 4 on both sides, an idle connection stays up: our ticks keep erl content
    /// and erl's keep us.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func ticksKeepAnIdleConnectionUp() async throws {
        try await InteropFixture.run { fixture in
            let erl = try await fixture.startErl(netTickTime: 4)
            let swift = try fixture.endpoint(hidden: true, netTickTime: .seconds(4))
            let connection = try await fixture.connect(swift, to: erl)
            let collector = MessageCollector(connection)
            let name = swift.localName!.description
            try await Self.waitUntilMember(name, of: "nodes(hidden)", on: erl)
            // Three tick times without a message: the connection must stay up all along.
            let end = ContinuousClock.now + .seconds(12)
            while ContinuousClock.now < end {
                #expect(try await Self.member(name, of: "nodes(hidden)", on: erl))
                #expect(connection.isActive)
                try await Task.sleep(for: .milliseconds(500))
            }
            try await Self.exchange(connection, collector, with: erl)
        }
    }

    /// A Swift node that writes nothing (its tick time is an hour) is dropped by erl with
    /// `net_ticktime` 4 after 4 to 5 seconds ("Node ... not responding").
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlDropsASilentSwiftNode() async throws {
        try await InteropFixture.run { fixture in
            let erl = try await fixture.startErl(netTickTime: 4)
            let swift = try fixture.endpoint(hidden: true, netTickTime: .seconds(3600))
            let connection = try await fixture.connect(swift, to: erl)
            let connected = ContinuousClock.now
            let collector = MessageCollector(connection)
            let name = swift.localName!.description
            try await Self.waitUntilMember(name, of: "nodes(hidden)", on: erl)
            _ = try await collector.waitForEnd(timeout: .seconds(30))
            let elapsed = connected.duration(to: .now)
            #expect(elapsed >= .seconds(3), "dropped after \(elapsed)")
            #expect(elapsed <= .seconds(15), "dropped after \(elapsed)")
            try await erl.waitFor("lists:member('\(name)', nodes(hidden))", toBe: "false")
            #expect(fixture.recordedEvents().contains { if case .nodeDown(let peer, _) = $0 { peer.description == erl.name } else { false } })
        }
    }

    /// A suspended erl node sends nothing; a Swift node with a 4 s tick time closes the connection
    /// with `peerUnresponsive` after 4 to 5 seconds.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swiftDropsASuspendedErlNode() async throws {
        try await InteropFixture.run { fixture in
            let erl = try await fixture.startErl(netTickTime: 4)
            let swift = try fixture.endpoint(hidden: true, netTickTime: .seconds(4))
            let connection = try await fixture.connect(swift, to: erl)
            let collector = MessageCollector(connection)
            erl.suspend()
            defer { erl.resume() }
            let suspended = ContinuousClock.now
            let ending = try await collector.waitForEnd(timeout: .seconds(30))
            let elapsed = suspended.duration(to: .now)
            guard case .failure(let error) = ending else { Issue.record("the connection ended cleanly"); return }
            #expect((error as? DistributionError)?.code == .peerUnresponsive)
            #expect(await connection.closed()?.code == .peerUnresponsive)
            #expect(elapsed >= .seconds(2), "dropped after \(elapsed)")
            #expect(elapsed <= .seconds(15), "dropped after \(elapsed)")
        }
    }

    /// The integers of an Erlang list printed with `~w`, such as `[1,2,3]`.
    static func integers(in printed: String) -> [Int] {
        printed.split { !$0.isNumber }.compactMap { Int($0) }
    }

    static func md5Printed(_ bytes: [UInt8]) -> String {
        "<<" + Insecure.MD5.hash(data: bytes).map { String($0) }.joined(separator: ",") + ">>"
    }

    /// A 50 MB binary each way, intact, while small messages keep flowing beside it.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func fiftyMegabytesEachWayWhileSmallMessagesFlow() async throws {
        try await InteropFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try fixture.endpoint(hidden: true)
            let connection = try await fixture.connect(swift, to: erl)
            let collector = MessageCollector(connection)
            let big = (0..<50_000_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 11) }
            let bigPID = madeUpPID(connection, id: 1)
            let smallPID = madeUpPID(connection, id: 2)

            // Swift to erl: the big message from one sender while another keeps sending small ones.
            let bigSent = NIOLockedValueBox(false)
            let bigTask = Task {
                try await connection.send(DistributionMessage(
                    control: .regSend(from: bigPID, to: "swerl_test"), payload: .tuple([.atom("big"), .binary(big)])))
                bigSent.withLockedValue { $0 = true }
            }
            var smallCount = 0
            repeat {
                smallCount += 1
                try await connection.send(DistributionMessage(
                    control: .regSend(from: smallPID, to: "swerl_test"), payload: .tuple([.atom("small"), .integer(smallCount)])))
            } while smallCount < 20 || (!bigSent.withLockedValue { $0 } && smallCount < 5000)
            try await bigTask.value
            try await connection.send(DistributionMessage(control: .regSend(from: smallPID, to: "swerl_test"), payload: .atom("done")))
            let beforeBig = try await erl.eval("""
                (fun Collect(Acc) ->
                     receive
                         {big, B} -> {lists:reverse(Acc), byte_size(B), erlang:md5(B)};
                         {small, I} -> Collect([I | Acc])
                     after 120000 -> timeout
                     end
                 end)([])
                """, timeout: .seconds(150))
            let afterBig = try await erl.eval("""
                (fun Drain(Acc) -> receive {small, I} -> Drain([I | Acc]); done -> lists:reverse(Acc) after 60000 -> timeout end end)([])
                """, timeout: .seconds(90))
            let suffix = ",50000000,\(Self.md5Printed(big))}"
            #expect(beforeBig.hasPrefix("{[") && beforeBig.hasSuffix(suffix), "\(beforeBig.prefix(200))")
            let before = Self.integers(in: String(beforeBig.dropFirst().prefix { $0 != "]" }))
            let after = Self.integers(in: afterBig)
            // One sender's messages arrive in the order it sent them.
            #expect(before + after == Array(1...smallCount))
            if connection.agreedFlags.contains(.fragments) {
                // The small messages went out between the big one's fragments (more than the one
                // that may have been queued before the big one started).
                #expect(before.count >= 2, "only \(before.count) small messages overtook the 50 MB one")
            }

            // erl to Swift: the big binary from one process, small messages from another.
            try await connection.send(DistributionMessage(control: .regSend(from: bigPID, to: "swerl_test"), payload: .tuple([.atom("pid"), .pid(bigPID)])))
            let sent = try await erl.eval("""
                receive {pid, P} ->
                    B = rand:bytes(50000000),
                    spawn(fun() -> [begin P ! {small, I}, timer:sleep(2) end || I <- lists:seq(1, 50)] end),
                    P ! {big, B},
                    {byte_size(B), erlang:md5(B)}
                after 20000 -> timeout
                end
                """, timeout: .seconds(120))
            let bigMessage = try await collector.waitFor(timeout: .seconds(120)) {
                if case .tuple(let elements) = $0, elements.first == .atom("big") { return true }
                return false
            }
            guard case .tuple(let elements)? = bigMessage.payload, case .binary(let bytes) = elements[1] else {
                Issue.record("the big message has another shape"); return
            }
            #expect(sent == "{50000000,\(Self.md5Printed(bytes))}")
            for index in 1...50 {
                _ = try await collector.waitFor { $0 == .tuple([.atom("small"), .integer(index)]) }
            }
            #expect(connection.isActive)
        }
    }
}
