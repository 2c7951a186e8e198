import ErlangEPMD
import Testing

/// The registry machine alone: no channels, no clock, actions compared with `==`.
@Suite struct EPMDRegistryTests {
    static let now: UInt32 = 1_795_693_702

    var registry = EPMDRegistry(configuration: .init(epmdPort: 4369))

    static func local(_ id: Int32) -> EPMDRegistry.Peer { .init(connection: EPMDConnectionID(id), isLocal: true) }
    static func remote(_ id: Int32) -> EPMDRegistry.Peer { .init(connection: EPMDConnectionID(id), isLocal: false) }

    static func alive2(_ name: String, port: UInt16 = 9000, highest: UInt16 = 6, extra: [UInt8] = []) -> EPMDRequest {
        .alive2(.init(node: EPMDNodeRecord(name: name, port: port, highestVersion: highest, extra: extra)))
    }

    static func alive2(bytes: [UInt8], port: UInt16 = 9000) -> EPMDRequest {
        .alive2(.init(node: EPMDNodeRecord(nameBytes: bytes, port: port)))
    }

    static func registered(_ creation: UInt32, legacy: Bool = false) -> EPMDRegistry.Action {
        .replyAndKeepOpen(.alive2(.init(format: legacy ? .legacy : .extended, result: 0, creation: creation)))
    }

    static let refusedRegistration = EPMDRegistry.Action.replyAndHold(.alive2(.init(format: .extended, result: 1, creation: 99)))

    // MARK: Creation numbering

    @Test mutating func aNewNameGetsTheTimePlusOne() {
        // OBS: a node registered at t = 218.90 s got creation 219; at 221.1 s, 222.
        #expect(registry.receive(Self.alive2("a"), from: Self.local(1), now: Self.now) == Self.registered(Self.now + 1))
        #expect(registry.receive(Self.alive2("b"), from: Self.local(2), now: Self.now) == Self.registered(Self.now + 1))
    }

    @Test mutating func aReturningNameGetsItsLastCreationPlusOne() {
        _ = registry.receive(Self.alive2("a"), from: Self.local(1), now: Self.now)
        registry.connectionClosed(EPMDConnectionID(1))
        // Even when the clock says otherwise: the remembered counter wins.
        #expect(registry.receive(Self.alive2("a"), from: Self.local(2), now: Self.now + 100) == Self.registered(Self.now + 2))
        registry.connectionClosed(EPMDConnectionID(2))
        #expect(registry.receive(Self.alive2("a"), from: Self.local(3), now: 0) == Self.registered(Self.now + 3))
    }

    @Test mutating func versionFiveRegistrationsGetTwoBitCreations() {
        // OBS: q (v5) got 3, again (v5) 1, again (v6) the counter itself.
        let start: UInt32 = 0x6b08_2a33  // counter becomes start + 1 = 0x6b082a34, and 0x6b082a34 % 3 + 1 = 3
        #expect(registry.receive(Self.alive2("q", highest: 5), from: Self.local(1), now: start) == Self.registered(3, legacy: true))
        registry.connectionClosed(EPMDConnectionID(1))
        #expect(registry.receive(Self.alive2("q", highest: 5), from: Self.local(2), now: start) == Self.registered(1, legacy: true))
        registry.connectionClosed(EPMDConnectionID(2))
        #expect(registry.receive(Self.alive2("q", highest: 6), from: Self.local(3), now: start) == Self.registered(0x6b08_2a36))
    }

    @Test mutating func creationsSkipTheOldTwoBitValues() {
        #expect(registry.receive(Self.alive2("a"), from: Self.local(1), now: 0) == Self.registered(4))
        #expect(registry.receive(Self.alive2("b"), from: Self.local(2), now: UInt32.max) == Self.registered(4))
    }

    @Test mutating func onlyAThousandNamesAreRemembered() {
        for index in 0..<1001 {
            let id = EPMDConnectionID(Int32(index + 1))
            _ = registry.receive(Self.alive2("n\(index)"), from: .init(connection: id, isLocal: true), now: Self.now)
            registry.connectionClosed(id)
        }
        #expect(registry.rememberedCount == 1000)
        // n0, the oldest, was forgotten: it starts from the clock again.
        #expect(registry.receive(Self.alive2("n0"), from: Self.local(5000), now: Self.now + 50) == Self.registered(Self.now + 51))
        #expect(registry.receive(Self.alive2("n1"), from: Self.local(5001), now: Self.now + 50) == Self.registered(Self.now + 2))
    }

    // MARK: Conflicts and name rules

    @Test mutating func aRegisteredNameIsRefusedUntilItsConnectionCloses() {
        _ = registry.receive(Self.alive2("a"), from: Self.local(1), now: Self.now)
        #expect(registry.receive(Self.alive2("a", port: 1), from: Self.local(2), now: Self.now) == Self.refusedRegistration)
        #expect(
            registry.receive(Self.alive2("a", highest: 5), from: Self.local(3), now: Self.now)
                == .replyAndHold(.alive2(.init(format: .legacy, result: 1, creation: 99))))
        #expect(registry.connectionClosed(EPMDConnectionID(2)) == nil)
        #expect(registry.connectionClosed(EPMDConnectionID(1))?.record.name == "a")
        #expect(registry.receive(Self.alive2("a"), from: Self.local(4), now: Self.now) == Self.registered(Self.now + 2))
    }

    @Test mutating func nameRulesOfAlive2() {
        // OBS: an empty name registers; 255 characters (of any width) do; 256 do not; nor do
        // invalid UTF-8, overlong extra, or a NUL (which gets no reply at all).
        #expect(registry.receive(Self.alive2(""), from: Self.local(1), now: Self.now) == Self.registered(Self.now + 1))
        #expect(registry.receive(Self.alive2(String(repeating: "x", count: 255)), from: Self.local(2), now: Self.now) == Self.registered(Self.now + 1))
        #expect(registry.receive(Self.alive2(String(repeating: "😀", count: 255)), from: Self.local(3), now: Self.now) == Self.registered(Self.now + 1))
        #expect(registry.receive(Self.alive2(String(repeating: "y", count: 256)), from: Self.local(4), now: Self.now) == Self.refusedRegistration)
        #expect(registry.receive(Self.alive2(String(repeating: "é", count: 256)), from: Self.local(4), now: Self.now) == Self.refusedRegistration)
        for bytes: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF]] {
            #expect(registry.receive(Self.alive2(bytes: bytes), from: Self.local(5), now: Self.now) == Self.refusedRegistration)
        }
        #expect(registry.receive(Self.alive2(bytes: Array("café".utf8)), from: Self.local(6), now: Self.now) == Self.registered(Self.now + 1))
        #expect(registry.receive(Self.alive2(bytes: [0x61, 0, 0x62]), from: Self.local(7), now: Self.now) == .close(.invalidName))
        #expect(registry.receive(Self.alive2("e", extra: Array(repeating: 1, count: 1020)), from: Self.local(8), now: Self.now) == Self.registered(Self.now + 1))
        #expect(registry.receive(Self.alive2("f", extra: Array(repeating: 1, count: 1021)), from: Self.local(9), now: Self.now) == Self.refusedRegistration)
        #expect(registry.registeredCount == 5)
    }

    @Test mutating func onlyLocalPeersRegisterDumpKillOrStop() {
        #expect(registry.receive(Self.alive2("a"), from: Self.remote(1), now: Self.now) == .close(.notLocalPeer))
        #expect(registry.receive(.dump, from: Self.remote(1), now: Self.now) == .close(.notLocalPeer))
        #expect(registry.receive(.kill, from: Self.remote(1), now: Self.now) == .close(.notLocalPeer))
        #expect(registry.receive(.stop(.init(name: "a")), from: Self.remote(1), now: Self.now) == .close(.notLocalPeer))
        #expect(registry.receive(.names, from: Self.remote(1), now: Self.now) == .replyAndClose(.names(.init(epmdPort: 4369, nodes: []))))
        #expect(registry.receive(.portPlease2(.init(name: "a")), from: Self.remote(1), now: Self.now) == .replyAndClose(.port2(.notFound(result: 1))))
    }

    // MARK: Lookups and listings

    @Test mutating func portPleaseEchoesTheRegisteredRecord() {
        let record = EPMDNodeRecord(name: "n6", port: 5555, nodeType: .eiHidden, highestVersion: 6, lowestVersion: 6, extra: Array("xyz".utf8))
        _ = registry.receive(.alive2(.init(node: record)), from: Self.local(1), now: Self.now)
        #expect(registry.receive(.portPlease2(.init(name: "n6")), from: Self.remote(2), now: Self.now) == .replyAndClose(.port2(.found(record))))
        // A trailing NUL is tolerated.
        #expect(registry.receive(.portPlease2(.init(nameBytes: Array("n6".utf8) + [0])), from: Self.remote(2), now: Self.now) == .replyAndClose(.port2(.found(record))))
        #expect(registry.receive(.portPlease2(.init(name: "n7")), from: Self.remote(2), now: Self.now) == .replyAndClose(.port2(.notFound(result: 1))))
    }

    @Test mutating func portPleaseNameRules() {
        // OBS: no reply for an empty name, a bare NUL, an inner NUL, invalid UTF-8, or 255
        // characters (epmd counts the terminator); 254 characters are looked up.
        let silent: [[UInt8]] = [[], [0], [0x62, 0, 0x63], [0xFF], Array(String(repeating: "x", count: 255).utf8), Array(String(repeating: "é", count: 255).utf8)]
        for bytes in silent {
            #expect(registry.receive(.portPlease2(.init(nameBytes: bytes)), from: Self.remote(1), now: Self.now) == .close(.invalidName))
        }
        #expect(registry.receive(.portPlease2(.init(name: String(repeating: "x", count: 254))), from: Self.remote(1), now: Self.now) == .replyAndClose(.port2(.notFound(result: 1))))
    }

    @Test mutating func namesListTheMostRecentFirst() {
        _ = registry.receive(Self.alive2("a", port: 9101), from: Self.local(5), now: Self.now)
        _ = registry.receive(Self.alive2("b", port: 9102), from: Self.local(6), now: Self.now)
        _ = registry.receive(Self.alive2("c", port: 9104), from: Self.local(7), now: Self.now)
        registry.connectionClosed(EPMDConnectionID(5))
        let names = EPMDResponse.Names(epmdPort: 4369, nodes: [.init(name: "c", port: 9104), .init(name: "b", port: 9102)])
        #expect(registry.receive(.names, from: Self.local(8), now: Self.now) == .replyAndClose(.names(names)))
        #expect(names.text == "name c at port 9104\nname b at port 9102\n")
    }

    @Test mutating func dumpShowsActiveThenRememberedNames() {
        _ = registry.receive(Self.alive2("a", port: 1), from: Self.local(5), now: Self.now)
        _ = registry.receive(Self.alive2("b", port: 2), from: Self.local(6), now: Self.now)
        _ = registry.receive(Self.alive2("c", port: 3), from: Self.local(7), now: Self.now)
        registry.connectionClosed(EPMDConnectionID(6))
        registry.connectionClosed(EPMDConnectionID(5))
        // OBS: active most recent first; old ones in the order they went.
        let dump = EPMDResponse.Dump(
            epmdPort: 4369, active: [.init(name: "c", port: 3, fd: 7)],
            old: [.init(name: "b", port: 2, fd: 6), .init(name: "a", port: 1, fd: 5)])
        #expect(registry.receive(.dump, from: Self.local(8), now: Self.now) == .replyAndClose(.dump(dump)))
    }

    // MARK: KILL and STOP

    @Test mutating func killIsRefusedWhileNodesAreRegistered() {
        _ = registry.receive(Self.alive2("a"), from: Self.local(1), now: Self.now)
        #expect(registry.receive(.kill, from: Self.local(2), now: Self.now) == .replyAndClose(.kill(.init(accepted: false))))
        registry.connectionClosed(EPMDConnectionID(1))
        #expect(registry.receive(.kill, from: Self.local(2), now: Self.now) == .replyAndStopDaemon(.kill(.init(accepted: true))))
    }

    @Test mutating func stopIsIgnoredWithoutTheRelaxedCheck() {
        _ = registry.receive(Self.alive2("n6"), from: Self.local(1), now: Self.now)
        #expect(registry.receive(.stop(.init(name: "n6")), from: Self.local(2), now: Self.now) == .close(.commandNotAllowed))
        #expect(registry.registeredCount == 1)
    }

    @Test func relaxedCheckObeysStopAndKill() {
        var registry = EPMDRegistry(configuration: .init(epmdPort: 4369, relaxedCommandCheck: true))
        _ = registry.receive(Self.alive2("n6"), from: Self.local(1), now: Self.now)
        _ = registry.receive(Self.alive2("k1"), from: Self.local(2), now: Self.now)
        #expect(registry.receive(.stop(.init(name: "n6")), from: Self.local(3), now: Self.now) == .closeRegistrationAndReply(EPMDConnectionID(1), .stop(.init(nodeExisted: true))))
        #expect(registry.receive(.stop(.init(nameBytes: Array("none".utf8) + [0])), from: Self.local(3), now: Self.now) == .replyAndClose(.stop(.init(nodeExisted: false))))
        #expect(registry.receive(.stop(.init(nameBytes: [])), from: Self.local(3), now: Self.now) == .close(.invalidName))
        #expect(registry.receive(.kill, from: Self.local(3), now: Self.now) == .replyAndStopDaemon(.kill(.init(accepted: true))))
        // The stopped node's connection closing later changes nothing.
        #expect(registry.connectionClosed(EPMDConnectionID(1)) == nil)
        #expect(registry.registeredNodes.map(\.record.name) == ["k1"])
    }
}
