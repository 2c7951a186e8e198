import ErlangDistribution
import ErlangTerm
import NIOCore
import Testing

@Suite struct ControlMessageTests {
    @Test func everyOperationCodeHasASample() {
        let sampled = Set(ControlMessageSamples.all.map(\.message.opCode))
        #expect(sampled == Set(ControlMessage.OpCode.allCases))
    }

    @Test(arguments: ControlMessageSamples.all.indices)
    func controlTupleRoundTrips(_ index: Int) throws {
        let sample = ControlMessageSamples.all[index]
        let expected = Term.tuple([.integer(sample.message.opCode.rawValue)] + sample.elements)
        #expect(sample.message.term == expected)
        #expect(try ControlMessage(term: expected) == sample.message)
        #expect(sample.message.carriesPayload == (sample.payload != nil))
    }

    @Test(arguments: ControlMessageSamples.all.indices)
    func messageRoundTripsThroughEveryFraming(_ index: Int) throws {
        let sample = ControlMessageSamples.all[index]
        let message = DistributionMessage(control: sample.message, payload: sample.payload)
        for mode in Fixtures.modes {
            var writer = DistributionMessageWriter(flags: mode.flags)
            var reader = DistributionMessageReader(flags: mode.flags)
            // Twice: the second time the atom cache has the atoms already.
            for _ in 0..<2 {
                let frames = try writer.write(message)
                #expect(frames.count == 1, "\(mode.name)")
                #expect(try reader.read(frame: frames[0]) == message, "\(mode.name)")
            }
        }
    }

    @Test func otpNamesMatchDistH() {
        #expect(ControlMessage.OpCode.regSend.otpName == "REG_SEND")
        #expect(ControlMessage.OpCode.monitorPExit.otpName == "MONITOR_P_EXIT")
        #expect(ControlMessage.OpCode.payloadMonitorPExit.otpName == "PAYLOAD_MONITOR_P_EXIT")
        #expect(ControlMessage.OpCode.exit2TT.otpName == "EXIT2_TT")
        #expect(ControlMessage.OpCode.unlinkIDAck.otpName == "UNLINK_ID_ACK")
        #expect(ControlMessage.OpCode.spawnRequestTT.otpName == "SPAWN_REQUEST_TT")
        #expect(ControlMessage.OpCode.altactSig.otpName == "ALTACT_SIG_SEND")
        #expect(ControlMessage.OpCode.nodeLink.otpName == "NODE_LINK")
    }

    @Test func theUnusedSlotIsIgnoredOnReadAndEmptyOnWrite() throws {
        let pid = Term.pid(Fixtures.dlb85)
        let read = try ControlMessage(term: .tuple([6, pid, .atom("some_cookie"), .atom("lab")]))
        #expect(read == .regSend(from: Fixtures.dlb85, to: "lab"))
        #expect(read.term == .tuple([6, pid, .atom(""), .atom("lab")]))
    }

    @Test func altactSigIgnoresExtraElementsAndDerivesItsFlags() throws {
        let pid = Term.pid(Fixtures.dlb85)
        let read = try ControlMessage(term: .tuple([37, 1, pid, pid, .atom("future"), .atom("more")]))
        #expect(read == .altactSig(flags: .priority, from: Fixtures.dlb85, to: .pid(Fixtures.dlb85), traceToken: nil))
        // Flags that contradict the values are put right when written.
        let written = ControlMessage.altactSig(flags: [.alias, .token], from: Fixtures.dlb85, to: .name("x"), traceToken: nil)
        #expect(written.term == .tuple([37, 8, pid, .atom("x")]))
        // A bignum flags field keeps its low bits.
        let big = Term.bigInteger(BigInteger(isNegative: false, magnitude: [1, 0, 0, 0, 0, 0, 0, 0, 7]))
        let bigRead = try ControlMessage(term: .tuple([37, big, pid, pid]))
        #expect(bigRead == .altactSig(flags: .priority, from: Fixtures.dlb85, to: .pid(Fixtures.dlb85), traceToken: nil))
    }

    @Test(arguments: [
        (Term.atom("link"), "non-empty tuple"),
        (.tuple([]), "non-empty tuple"),
        (.tuple([.atom("link")]), "integer operation code"),
    ])
    func aNonTupleIsMalformed(_ term: Term, _ words: String) throws {
        let error = try #require(distributionError { _ = try ControlMessage(term: term) })
        #expect(error.code == .malformedControlMessage)
        #expect(error.detail.contains(words))
    }

    @Test(arguments: [0, 9, 10, 11, 14, 15, 17, 38, 1000, -1])
    func anUnknownOperationCodeSaysWhich(_ code: Int) throws {
        let error = try #require(distributionError { _ = try ControlMessage(term: .tuple([.integer(code)])) })
        #expect(error.code == .unknownControlMessage)
        #expect(error.detail.contains("\(code)"))
    }

    @Test func aWrongArityOrElementSaysWhat() throws {
        let pid = Term.pid(Fixtures.dlb85)
        let cases: [(Term, String)] = [
            (.tuple([1, pid]), "LINK (1) is a tuple of 3, found a tuple of 2"),
            (.tuple([1, pid, .atom("x")]), "element 3 of LINK (1) must be a pid, found an atom"),
            (.tuple([6, pid, .atom(""), pid]), "element 4 of REG_SEND (6) must be an atom, found a pid"),
            (.tuple([19, pid, 7, .reference(Fixtures.reference())]), "element 3 of MONITOR_P (19) must be a pid or an atom"),
            (.tuple([19, pid, pid, pid]), "element 4 of MONITOR_P (19) must be a reference"),
            (.tuple([35, 0, pid, pid]), "must not be 0"),
            (.tuple([35, -1, pid, pid]), "element 2 of UNLINK_ID (35) must be an integer from 0 to 2^64-1"),
            (.tuple([31, .reference(Fixtures.reference()), pid, .integer(1 << 27), pid]), "element 4 of SPAWN_REPLY (31)"),
            (.tuple([31, .reference(Fixtures.reference()), pid, 0, 5]), "element 5 of SPAWN_REPLY (31) must be a pid or an atom"),
            (.tuple([29, .reference(Fixtures.reference()), pid, pid, .tuple([.atom("m"), .atom("f")]), .list([])]),
                "element 5 of SPAWN_REQUEST (29) must be a tuple {Module, Function, Arity}"),
            (.tuple([29, .reference(Fixtures.reference()), pid, pid, .tuple([.atom("m"), .atom("f"), 1]), .atom("x")]),
                "element 6 of SPAWN_REQUEST (29) must be a proper list"),
            (.tuple([37, 0, pid]), "at least 4 elements"),
            (.tuple([37, 2, pid, pid]), "token flag needs element 5"),
            (.tuple([37, 4, pid, pid]), "alias flag"),
            (.tuple([37, -4, pid, pid]), "element 2 of ALTACT_SIG_SEND (37) must be a non-negative integer"),
            (.tuple([5, 1]), "NODE_LINK (5) is a tuple of 1"),
        ]
        for (term, words) in cases {
            let error = try #require(distributionError { _ = try ControlMessage(term: term) })
            #expect(error.code == .malformedControlMessage)
            #expect(error.detail.contains(words), "\(error.detail)")
        }
    }

    @Test func theWriterRefusesMessagesThePeerDidNotAgreeOn() throws {
        var writer = DistributionMessageWriter(flags: DistributionFlags.required)
        let message = DistributionMessage(control: .sendSender(from: Fixtures.dlpy1, to: Fixtures.dlb85), payload: .atom("x"))
        let error = try #require(distributionError { _ = try writer.write(message) })
        #expect(error.code == .notAgreed)
        #expect(error.detail.contains("SEND_SENDER"))
        let byName = DistributionMessage(control: .monitorP(from: Fixtures.dlpy1, to: .name("x"), reference: Fixtures.reference()))
        var monitorOnly = DistributionMessageWriter(flags: DistributionFlags.required.union(.distMonitor))
        #expect(distributionError { _ = try monitorOnly.write(byName) }?.code == .notAgreed)
    }

    @Test func theWriterChecksThePayloadAgainstTheControlMessage() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.passThroughFlags)
        let noPayload = DistributionMessage(control: .send(to: Fixtures.dlb85))
        #expect(distributionError { _ = try writer.write(noPayload) }?.code == .missingPayload)
        let extra = DistributionMessage(control: .link(from: Fixtures.dlpy1, to: Fixtures.dlb85), payload: .atom("x"))
        #expect(distributionError { _ = try writer.write(extra) }?.code == .unexpectedPayload)
        let tooLong = DistributionMessage(control: .send(to: Fixtures.dlb85), payload: .atom(Atom(String(repeating: "a", count: 256))))
        let error = try #require(distributionError { _ = try writer.write(tooLong) })
        #expect(error.code == .invalidTerm)
        #expect(error.termError?.code == .unencodable)
    }
}
