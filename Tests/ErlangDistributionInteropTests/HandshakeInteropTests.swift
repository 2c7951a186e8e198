import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

/// Swift nodes against real OTP 25 nodes, in both directions. One suite, run serially: the tick
/// tests measure time and the machine has two cores.
@Suite(.serialized) struct DistributionInteropTests {}

extension DistributionInteropTests {
    /// Sends `{hello, Pid}` to the node's `swerl_test` (REG_SEND) and waits for its `{reply, Node}`
    /// to the made-up pid (SEND or SEND_SENDER): a message each way.
    static func exchange(_ connection: DistributionConnection, _ collector: MessageCollector, with erl: ErlangNodeProcess) async throws {
        let pid = madeUpPID(connection, id: 7)
        try await connection.send(DistributionMessage(control: .regSend(from: pid, to: "swerl_test"), payload: .tuple([.atom("hello"), .pid(pid)])))
        let printed = try await erl.eval("receive {hello, P} -> P ! {reply, node()}, node(P) after 20000 -> timeout end")
        #expect(printed == "'\(connection.handshake.localName)'")
        let reply = Term.tuple([.atom("reply"), .atom(Atom(erl.name))])
        _ = try await collector.waitFor { $0 == reply }
    }

    static func member(_ node: String, of list: String, on erl: ErlangNodeProcess) async throws -> Bool {
        try await erl.eval("lists:member('\(node)', \(list))") == "true"
    }

    /// Waits until erl lists `node` in `list`: an accepting erl sends its challenge ack before its
    /// net_kernel records the node (dist_util.erl, `handshake_other_started/1` then `connection/1`),
    /// so the initiator may see the connection up a moment before erl's `nodes/1` does.
    static func waitUntilMember(_ node: String, of list: String, on erl: ErlangNodeProcess) async throws {
        _ = try await erl.waitFor("lists:member('\(node)', \(list))", toBe: "true")
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlConnectsToAVisibleSwiftNode() async throws {
        try await InteropFixture.run { fixture in
            let swift = try fixture.endpoint()
            _ = try await fixture.listen(swift)
            let erl = try await fixture.startErl()
            let name = swift.localName!.description
            #expect(try await erl.eval("net_kernel:connect_node('\(name)')") == "true")
            let connection = try await poll("the accepted connection") { swift.connection(to: try NodeName(erl.name)) }
            #expect(!connection.isHidden)
            #expect(connection.handshake.role == .acceptor)
            try await Self.waitUntilMember(name, of: "nodes()", on: erl)
            #expect(try await !Self.member(name, of: "nodes(hidden)", on: erl))
            try await Self.exchange(connection, MessageCollector(connection), with: erl)
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aHiddenErlConnectsToSwift() async throws {
        try await InteropFixture.run { fixture in
            let swift = try fixture.endpoint()
            _ = try await fixture.listen(swift)
            let erl = try await fixture.startErl(hidden: true)
            let name = swift.localName!.description
            #expect(try await erl.eval("net_kernel:connect_node('\(name)')") == "true")
            let connection = try await poll("the accepted connection") { swift.connection(to: try NodeName(erl.name)) }
            #expect(connection.isHidden)
            try await Self.waitUntilMember(name, of: "nodes(hidden)", on: erl)
            #expect(try await !Self.member(name, of: "nodes()", on: erl))
            try await Self.exchange(connection, MessageCollector(connection), with: erl)
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swiftConnectsToErlAsAHiddenNode() async throws {
        try await InteropFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try fixture.endpoint(hidden: true)
            let connection = try await fixture.connect(swift, to: erl)
            #expect(connection.isHidden)
            #expect(connection.handshake.role == .initiator)
            let name = swift.localName!.description
            try await Self.waitUntilMember(name, of: "nodes(hidden)", on: erl)
            #expect(try await !Self.member(name, of: "nodes()", on: erl))
            try await Self.exchange(connection, MessageCollector(connection), with: erl)
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swiftConnectsToErlAsAVisibleNode() async throws {
        try await InteropFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try fixture.endpoint()
            let connection = try await fixture.connect(swift, to: erl)
            #expect(!connection.isHidden)
            let name = swift.localName!.description
            try await Self.waitUntilMember(name, of: "nodes()", on: erl)
            #expect(try await !Self.member(name, of: "nodes(hidden)", on: erl))
            // Asking again returns the connection that is up.
            #expect(try await fixture.connect(swift, to: erl) === connection)
            try await Self.exchange(connection, MessageCollector(connection), with: erl)
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlRefusesSwiftWithAWrongCookie() async throws {
        try await InteropFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try fixture.endpoint(cookie: "not_the_cookie")
            await #expect {
                try await fixture.connect(swift, to: erl)
            } throws: { error in
                (error as? DistributionError)?.code == .badCookie
            }
            #expect(try await erl.eval("nodes(connected)") == "[]")
            #expect(swift.connections.isEmpty)
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swiftRefusesErlWithAWrongCookie() async throws {
        try await InteropFixture.run { fixture in
            let swift = try fixture.endpoint()
            _ = try await fixture.listen(swift)
            let erl = try await fixture.startErl(cookie: "not_the_cookie")
            #expect(try await erl.eval("net_kernel:connect_node('\(swift.localName!)')") == "false")
            let failure = try await poll("the handshake failure") {
                fixture.recordedEvents().lazy.compactMap { event -> DistributionError? in
                    if case .handshakeFailed(_, let error) = event { return error }
                    return nil
                }.first
            }
            #expect(failure.code == .badCookie)
            #expect(swift.connections.isEmpty)
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlNamesASwiftNodeThatAsksForAName() async throws {
        try await InteropFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try fixture.endpoint(name: .dynamic(host: "127.0.0.1"))
            let connection = try await fixture.connect(swift, to: erl)
            let assigned = connection.handshake.localName
            #expect(assigned.host == "127.0.0.1")
            #expect(swift.localName == assigned)
            #expect(connection.isHidden)
            try await Self.waitUntilMember(assigned.description, of: "nodes(hidden)", on: erl)
            try await Self.exchange(connection, MessageCollector(connection), with: erl)
        }
    }

    /// OTP 25.0 to 25.2 refuse the version 5 'n' name without a word (fixed in 25.3).
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func otp25Point2ClosesOnAVersion5Name() async throws {
        try await InteropFixture.run { fixture in
            let erl = try await fixture.startErl()
            let release = try await erl.eval("erlang:system_info(otp_release)")
            let swift = try fixture.endpoint(nameVersion: .v5)
            do {
                let connection = try await fixture.connect(swift, to: erl)
                // A 25.3+ node accepts 'n' with the complement.
                #expect(release != "\"25\"" || connection.handshake.role == .initiator)
            } catch let error as DistributionError {
                #expect(error.code == .connectionClosed)
                #expect(error.detail.contains("without a status"))
            }
        }
    }

    /// Both nodes connect at once; the larger node name keeps its own attempt
    /// (`net_kernel` accept_pending). Our attempt is held at a relay until the other side's has
    /// reached our acceptor.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"),
          arguments: [true, false])
    func simultaneousConnect(swiftNameIsLarger: Bool) async throws {
        try await InteropFixture.run { fixture in
            let erl = try await fixture.startErl(swiftNameIsLarger ? "aaa_erl" : "zzz_erl")
            let swift = try fixture.endpoint(swiftNameIsLarger ? "zzz_swift" : "aaa_swift")
            _ = try await fixture.listen(swift)
            let relay = try HeldRelay(upstreamPort: erl.distributionPort!)
            defer { relay.stop() }
            let erlName = try NodeName(erl.name)
            let outgoing = Task { try await swift.connect(to: erlName, host: "127.0.0.1", port: relay.port) }
            _ = try await poll("our attempt at the relay") { relay.hasAccepted ? true : nil }

            _ = try await erl.eval("spawn(fun() -> net_kernel:connect_node('\(swift.localName!)') end)")
            let decision = try await poll("our answer to the node's attempt") {
                fixture.recordedEvents().lazy.compactMap { event -> AcceptDecision? in
                    if case .accepted(let pending, let decision) = event, pending.peer == .name(erlName) { return decision }
                    return nil
                }.first
            }
            #expect(decision == (swiftNameIsLarger ? .nok : .okSimultaneous))
            relay.release()

            let connection = try await outgoing.value
            // The larger name's attempt is the one that became the connection.
            #expect(connection.handshake.role == (swiftNameIsLarger ? .initiator : .acceptor))
            try await Self.waitUntilMember(swift.localName!.description, of: "nodes()", on: erl)
            #expect(swift.connections.count == 1)
            try await Self.exchange(connection, MessageCollector(connection), with: erl)
        }
    }
}

extension DistributionInteropTests {
    /// `erl -name undefined@127.0.0.1` asks us for a name (NAME_ME): we give it one, as
    /// net_kernel would, and the connection is hidden on both sides.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swiftNamesAnErlNodeThatAsksForAName() async throws {
        try await InteropFixture.run { fixture in
            let swift = try fixture.endpoint()
            _ = try await fixture.listen(swift)
            let erl = try await fixture.startErl(alive: "undefined")
            #expect(try await erl.eval("net_kernel:connect_node('\(swift.localName!)')") == "true")
            let named = try await erl.eval("node()")
            let connection = try #require(swift.connections.first)
            #expect("'\(connection.peer)'" == named)
            #expect(connection.peer.host == "127.0.0.1")
            #expect(connection.isHidden)
            try await Self.waitUntilMember(swift.localName!.description, of: "nodes(hidden)", on: erl)
            let collector = MessageCollector(connection)
            let pid = madeUpPID(connection, id: 9)
            try await connection.send(DistributionMessage(control: .regSend(from: pid, to: "swerl_test"), payload: .tuple([.atom("hello"), .pid(pid)])))
            #expect(try await erl.eval("receive {hello, P} -> P ! {reply, node()}, ok after 20000 -> timeout end") == "ok")
            _ = try await collector.waitFor { $0 == .tuple([.atom("reply"), .atom(connection.peer.atom)]) }
        }
    }

    /// A node whose old connection to us looks up (its process is suspended) comes back under the
    /// same name: we answer `alive`, it answers `true`, we close the old connection and accept.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aNodeComingBackReplacesItsOldConnection() async throws {
        try await InteropFixture.run { fixture in
            let swift = try fixture.endpoint()
            let secondEPMD = try await fixture.anotherEPMD()
            _ = try await fixture.listen(swift, alsoAt: [secondEPMD])
            let alive = DistributionTestNames.unique("erl")
            let first = try await fixture.startErl(alive: alive)
            #expect(try await first.eval("net_kernel:connect_node('\(swift.localName!)')") == "true")
            let peer = try NodeName(first.name)
            let old = try await poll("the first connection") { swift.connection(to: peer) }
            first.suspend()
            defer { first.resume() }

            // The same name again, registered in another EPMD since the first still holds it.
            let second = try await fixture.startErl(alive: alive, epmd: secondEPMD)
            #expect(try await second.eval("net_kernel:connect_node('\(swift.localName!)')") == "true")
            #expect(await old.closed() == nil)
            let replacement = try await poll("the new connection") { swift.connection(to: peer).flatMap { $0 === old ? nil : $0 } }
            #expect(fixture.recordedEvents().contains {
                if case .accepted(let pending, .alive) = $0 { pending.peer == .name(peer) } else { false }
            })
            try await Self.exchange(replacement, MessageCollector(replacement), with: second)
        }
    }
}
