import ErlangDistribution
import ErlangTerm
import NIOCore
import Testing

/// The connected-state frames OTP 25.2.3 sent and accepted (distribution.md §4.7, pass-through
/// mode): each decodes to the message it carries, and Swerl's writer writes it back byte for byte.
@Suite struct CapturedVectorTests {
    static let dlb71 = PID(node: Fixtures.dlb, id: 71, serial: 0, creation: 0x6b08_1d3d)
    static let dlb71Bytes = "587706646c6240766d00000047000000006b081d3d"
    // The sheet elides the words of the spawn request's reference ("<ref>"); its length (27 bytes,
    // from the SPAWN_REPLY frame length 0x4e) and node are known, the words here are stand-ins.
    static let spawnRef = Fixtures.reference()
    static let spawnRefBytes = "5a0003 7706646c6240766d 6b081d3d 0000bced aeec0001 8190ade4"
    static let token = Term.tuple([0, 17, 1, .pid(Fixtures.dlb85), 0])

    static let vectors: [(name: String, bytes: String, message: DistributionMessage)] = [
        ("REG_SEND out",
         "00000047 70 83 6804 6106 <dlpy.1> 7700 77036c6162 83 6803 7703636d64 <dlpy.1> 77046563686f",
         .init(control: .regSend(from: Fixtures.dlpy1, to: "lab"),
               payload: .tuple([.atom("cmd"), .pid(Fixtures.dlpy1), .atom("echo")]))),
        ("SEND_SENDER in", "70 83 6803 6116 <dlb.85> <dlpy.1> 83 6802 77046563686f 770568656c6c6f",
         .init(control: .sendSender(from: Fixtures.dlb85, to: Fixtures.dlpy1), payload: .tuple([.atom("echo"), .atom("hello")]))),
        ("LINK in", "70 83 6803 6101 <dlb.85> <dlpy.1>",
         .init(control: .link(from: Fixtures.dlb85, to: Fixtures.dlpy1))),
        ("UNLINK_ID in", "70 83 6804 6123 6101 <dlb.85> <dlpy.1>",
         .init(control: .unlinkID(id: 1, from: Fixtures.dlb85, to: Fixtures.dlpy1))),
        ("UNLINK_ID_ACK out", "00000033 70 83 6804 6124 6101 <dlpy.1> <dlb.85>",
         .init(control: .unlinkIDAck(id: 1, from: Fixtures.dlpy1, to: Fixtures.dlb85))),
        ("MONITOR_P in (pid)",
         "70 83 6804 6113 <dlb.85> <dlpy.1> 5a0003 7706646c6240766d 6b081d3d 0000bced aeec0001 8190ade4",
         .init(control: .monitorP(from: Fixtures.dlb85, to: .pid(Fixtures.dlpy1), reference: Fixtures.reference()))),
        ("PAYLOAD_EXIT2 in", "70 83 6803 611a <dlb.85> <dlpy.1> 83 770b6b696c6c5f726561736f6e",
         .init(control: .payloadExit2(from: Fixtures.dlb85, to: Fixtures.dlpy1), payload: .atom("kill_reason"))),
        // The sheet abbreviates the payload atom after its first bytes; it is `via_alias`.
        ("ALIAS_SEND in",
         "70 83 6803 6121 <dlb.85> 5a0003 7707646c707940766d 12345678 00000007 00000008 00000009 83 7709 7669615f616c696173",
         .init(control: .aliasSend(from: Fixtures.dlb85, alias: Fixtures.reference(Fixtures.dlpy, [7, 8, 9], creation: 0x1234_5678)),
               payload: .atom("via_alias"))),
        ("SPAWN_REQUEST in",
         "70 83 6806 611d \(spawnRefBytes) <dlb.85> \(dlb71Bytes) 6803 77056d796d6f64 77056d7966756e 6102 6c00000001 77076d6f6e69746f72 6a 83 6c00000002 6101 770374776f 6a",
         .init(control: .spawnRequest(id: spawnRef, from: Fixtures.dlb85, groupLeader: dlb71,
                                      function: .init(module: "mymod", function: "myfun", arity: 2), options: [.atom("monitor")]),
               payload: .list([1, .atom("two")]))),
        ("SPAWN_REPLY out",
         "0000004e 70 83 6805 611f \(spawnRefBytes) <dlb.85> 6102 587707646c707940766d000000630000000012345678",
         .init(control: .spawnReply(id: spawnRef, to: Fixtures.dlb85, flags: .monitor,
                                    result: .pid(PID(node: Fixtures.dlpy, id: 99, serial: 0, creation: 0x1234_5678))))),
        ("SEND_SENDER_TT in",
         "70 83 6804 6117 <dlb.85> <dlpy.1> 6805 6100 6111 6101 <dlb.85> 6100 83 7706747261636564",
         .init(control: .sendSenderTT(from: Fixtures.dlb85, to: Fixtures.dlpy1, traceToken: token), payload: .atom("traced"))),
        ("PAYLOAD_MONITOR_P_EXIT in",
         "70 83 6804 611c 770c6e6f5f737563685f6e616d65 <dlpy.1> 5a0003 7707646c707940766d 12345678 00000066 00000000 00000000 83 77066e6f70726f63",
         .init(control: .payloadMonitorPExit(from: .name("no_such_name"), to: Fixtures.dlpy1,
                                             reference: Fixtures.reference(Fixtures.dlpy, [0x66, 0, 0], creation: 0x1234_5678)),
               payload: .atom("noproc"))),
    ]

    /// The frame body: the captured bytes without the 4-byte length where the sheet shows it.
    static func body(_ vector: String) -> [UInt8] {
        let all = hex(vector)
        return all.first == 0x70 ? all : Array(all.dropFirst(4))
    }

    @Test(arguments: vectors.indices)
    func decodesAndReencodesByteForByte(_ index: Int) throws {
        let vector = Self.vectors[index]
        let body = Self.body(vector.bytes)
        var reader = DistributionMessageReader(flags: Fixtures.passThroughFlags)
        #expect(try reader.read(frame: buffer(body)) == vector.message, "\(vector.name)")
        var writer = DistributionMessageWriter(flags: Fixtures.passThroughFlags)
        let frames = try writer.write(vector.message)
        #expect(frames.map(bytes) == [body], "\(vector.name)")
    }

    @Test func framesWithTheirLengthSayTheirSize() {
        for vector in Self.vectors where hex(vector.bytes).first != 0x70 {
            let all = hex(vector.bytes)
            let length = all.prefix(4).reduce(0) { $0 << 8 | Int($1) }
            #expect(length == all.count - 4, "\(vector.name)")
        }
    }
}
