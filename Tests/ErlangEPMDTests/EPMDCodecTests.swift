import ErlangEPMD
import NIOCore
import NIOTestUtils
import Testing

/// The captured vectors of distribution.md 1.13 (real OTP 25 nodes and epmd), plus vectors seen
/// from the real daemon while probing edge cases.
@Suite struct EPMDCodecTests {
    // MARK: Requests

    static let requestVectors: [(String, String, EPMDRequest)] = [
        (
            "ALIVE2_REQ from erl -sname b",
            "000e 78 238e 4d 00 0006 0005 0001 62 0000",
            .alive2(.init(node: EPMDNodeRecord(name: "b", port: 9102)))
        ),
        (
            "ALIVE2_REQ, highest version 5",
            "000f 78 15b3 4d 00 0005 0005 0002 6e35 0000",
            .alive2(.init(node: EPMDNodeRecord(name: "n5", port: 5555, highestVersion: 5)))
        ),
        (
            "ALIVE2_REQ with extra xyz",
            "0012 78 15b3 4d 00 0006 0005 0002 6e36 0003 78797a",
            .alive2(.init(node: EPMDNodeRecord(name: "n6", port: 5555, extra: Array("xyz".utf8))))
        ),
        ("PORT_PLEASE2_REQ b", "0002 7a 62", .portPlease2(.init(name: "b"))),
        ("NAMES_REQ", "0001 6e", .names),
        ("DUMP_REQ", "0001 64", .dump),
        ("KILL_REQ", "0001 6b", .kill),
        ("STOP_REQ n6", "0003 73 6e36", .stop(.init(name: "n6"))),
    ]

    @Test("requests encode to the captured bytes", arguments: requestVectors.indices)
    func requestEncoding(index: Int) {
        let (_, hex, request) = Self.requestVectors[index]
        var buffer = ByteBuffer()
        request.write(into: &buffer)
        #expect(buffer == ByteBuffer(hex: hex))
    }

    @Test("captured request bytes decode", arguments: requestVectors.indices)
    func requestDecoding(index: Int) throws {
        let (_, hex, request) = Self.requestVectors[index]
        var decoder = EPMDRequestDecoder()
        var buffer = ByteBuffer(hex: hex)
        #expect(try decoder.decode(buffer: &buffer) == request)
        #expect(buffer.readableBytes == 0)
    }

    @Test func requestDecoderWaitsForWholeFrames() throws {
        let inputs = Self.requestVectors.map { ByteBuffer(hex: $0.1) }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: zip(inputs, Self.requestVectors).map { ($0, [$1.2]) },
            decoderFactory: { EPMDRequestDecoder(singleRequest: false) })
    }

    @Test func requestDecoderToleratesBytesAfterAlive2FieldsInsideTheFrame() throws {
        // OBS: epmd registers a node whose ALIVE2 frame has junk after the extra.
        var decoder = EPMDRequestDecoder()
        var buffer = ByteBuffer(hex: "0013 78 15b3 4d 00 0006 0005 0002 6e36 0000 4a554e4b")
        let request = try decoder.decode(buffer: &buffer)
        #expect(request == .alive2(.init(node: EPMDNodeRecord(name: "n6", port: 5555))))
    }

    @Test func namesRequestWithTrailingBytesInItsFrameIsStillNames() throws {
        var decoder = EPMDRequestDecoder()
        var buffer = ByteBuffer(hex: "0004 6e 58595a")
        #expect(try decoder.decode(buffer: &buffer) == .names)
    }

    // MARK: Malformed requests

    static let malformedRequests: [(String, String, EPMDError.Code)] = [
        ("length 0", "0000", .invalidLength),
        ("length 3058 (past epmd's buffer)", "0bf2 78", .invalidLength),
        ("length 65535", "ffff 78", .invalidLength),
        ("unknown code", "0001 51", .unknownRequest),
        ("legacy R3 ALIVE_REQ", "0004 61 0001 62", .unknownRequest),
        ("ALIVE2 of 13 bytes", "000d 78 0000 00 00 0000 0000 0000 0000", .malformedRequest),
        ("ALIVE2 name past the frame", "000f 78 2328 4d 00 0006 0005 000a 6162 0000", .malformedRequest),
        ("ALIVE2 extra past the frame", "000e 78 2328 4d 00 0006 0005 0001 61 0005", .malformedRequest),
        ("a byte after the frame in the same read", "0001 6e 51", .dataAfterRequest),
    ]

    @Test("malformed requests fail with a typed error", arguments: malformedRequests.indices)
    func malformedRequest(index: Int) {
        let (_, hex, code) = Self.malformedRequests[index]
        var decoder = EPMDRequestDecoder()
        var buffer = ByteBuffer(hex: hex)
        #expect(throws: EPMDError.self) {
            _ = try decoder.decode(buffer: &buffer)
        }
        buffer = ByteBuffer(hex: hex)
        decoder = EPMDRequestDecoder()
        do {
            _ = try decoder.decode(buffer: &buffer)
        } catch let error as EPMDError {
            #expect(error.code == code)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func largestFrameIsAccepted() throws {
        // OBS: epmd answers a 3057-byte ALIVE2 (refusing its 3044-byte extra), closes on 3058.
        let record = EPMDNodeRecord(name: "L", port: 1, extra: Array(repeating: 0x65, count: 3057 - 14))
        var buffer = ByteBuffer()
        EPMDRequest.alive2(.init(node: record)).write(into: &buffer)
        #expect(buffer.readableBytes == 3059)
        var decoder = EPMDRequestDecoder()
        #expect(try decoder.decode(buffer: &buffer) == .alive2(.init(node: record)))
    }

    @Test func truncatedFrameAtEOFIsAnError() throws {
        var decoder = EPMDRequestDecoder()
        var buffer = ByteBuffer(hex: "0005 7a 62")
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(throws: EPMDError(.connectionClosed, "connection closed after 4 bytes of a request")) {
            _ = try decoder.decodeLast(buffer: &buffer, seenEOF: true)
        }
    }

    @Test func anyByteAfterTheRequestIsAnError() throws {
        var decoder = EPMDRequestDecoder()
        var buffer = ByteBuffer(hex: "000e 78 238e 4d 00 0006 0005 0001 62 0000")
        _ = try decoder.decode(buffer: &buffer)
        var more = ByteBuffer(string: "junk")
        #expect(throws: EPMDError.self) { _ = try decoder.decode(buffer: &more) }
    }

    // MARK: Responses

    static let responseVectors: [(String, EPMDRequest.Kind, String, EPMDResponse)] = [
        ("ALIVE2_X_RESP", .alive2, "76 00 6b081c87", .alive2(.init(format: .extended, result: 0, creation: 1_795_693_703))),
        ("ALIVE2_RESP", .alive2, "79 00 0001", .alive2(.init(format: .legacy, result: 0, creation: 1))),
        ("duplicate name", .alive2, "76 01 00000063", .alive2(.init(format: .extended, result: 1, creation: 99))),
        ("duplicate name, legacy", .alive2, "79 01 0063", .alive2(.init(format: .legacy, result: 1, creation: 99))),
        ("PORT2_RESP", .portPlease2, "77 00 238e 4d 00 0006 0005 0001 62 0000", .port2(.found(EPMDNodeRecord(name: "b", port: 9102)))),
        (
            "PORT2_RESP echoing extra", .portPlease2, "77 00 15b3 4d 00 0006 0005 0002 6e36 0003 78797a",
            .port2(.found(EPMDNodeRecord(name: "n6", port: 5555, extra: Array("xyz".utf8))))
        ),
        ("PORT2_RESP not found", .portPlease2, "77 01", .port2(.notFound(result: 1))),
        ("KILL refused", .kill, "4e4f", .kill(.init(accepted: false))),
        ("KILL accepted", .kill, "4f4b", .kill(.init(accepted: true))),
        ("STOP", .stop, "53544f50504544", .stop(.init(nodeExisted: true))),
        ("STOP unknown name", .stop, "4e4f4558495354 53544f50504544", .stop(.init(nodeExisted: false))),
    ]

    @Test("responses encode to the captured bytes", arguments: responseVectors.indices)
    func responseEncoding(index: Int) {
        let (_, _, hex, response) = Self.responseVectors[index]
        var buffer = ByteBuffer()
        response.write(into: &buffer)
        #expect(buffer == ByteBuffer(hex: hex))
    }

    @Test("captured response bytes decode", arguments: responseVectors.indices)
    func responseDecoding(index: Int) throws {
        let (_, kind, hex, response) = Self.responseVectors[index]
        var buffer = ByteBuffer(hex: hex)
        #expect(try EPMDResponse.read(from: &buffer, replyingTo: kind, atEOF: false) == response)
        #expect(buffer.readableBytes == 0)
    }

    @Test("response decoder waits for whole replies", arguments: [EPMDRequest.Kind.alive2, .portPlease2, .kill, .stop])
    func responseDecoderWaits(kind: EPMDRequest.Kind) throws {
        let pairs = Self.responseVectors.filter { $0.1 == kind }.map { (ByteBuffer(hex: $0.2), [$0.3]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: pairs,
            decoderFactory: { EPMDResponseDecoder(replyingTo: kind, singleReply: false) })
    }

    @Test func namesReplyMatchesTheCapture() throws {
        let names = EPMDResponse.Names(epmdPort: 4369, nodes: [.init(name: "b", port: 9102)])
        var buffer = ByteBuffer()
        EPMDResponse.names(names).write(into: &buffer)
        #expect(buffer == ByteBuffer(hex: "00001111 6e616d65206220617420706f727420393130320a"))
        #expect(try EPMDResponse.read(from: &buffer, replyingTo: .names, atEOF: false) == nil)
        #expect(try EPMDResponse.read(from: &buffer, replyingTo: .names, atEOF: true) == .names(names))
    }

    @Test func namesReplySkipsLinesThatDoNotParseAndKeepsNamesWithSpaces() throws {
        var buffer = ByteBuffer(hex: "00001111")
        buffer.writeString("name a at port 1\ngarbage\nname b c at port 2\nname d at port x\nname e at port 5")
        let reply = try EPMDResponse.read(from: &buffer, replyingTo: .names, atEOF: true)
        #expect(reply == .names(.init(epmdPort: 4369, nodes: [.init(name: "a", port: 1), .init(name: "b c", port: 2)])))
    }

    @Test func dumpReplyMatchesTheCapture() throws {
        let dump = EPMDResponse.Dump(
            epmdPort: 14369, active: [.init(name: "a", port: 9101, fd: 6)], old: [.init(name: "b", port: 2, fd: 5)])
        var buffer = ByteBuffer()
        EPMDResponse.dump(dump).write(into: &buffer)
        let expected = ByteBuffer(
            hex: "00003821"
                + "616374697665206e616d6520202020203c613e20617420706f727420393130312c206664203d20360a00"
                + ByteBuffer(string: "old/unused name <b>, port = 2, fd = 5 \n\0").hex)
        #expect(buffer == expected)
        #expect(try EPMDResponse.read(from: &buffer, replyingTo: .dump, atEOF: true) == .dump(dump))
    }

    @Test func shortOrEmptyRepliesAtEOFAreConnectionClosed() {
        for kind in [EPMDRequest.Kind.alive2, .portPlease2, .names, .dump, .kill, .stop] {
            var buffer = ByteBuffer()
            #expect(throws: EPMDError.self) {
                _ = try EPMDResponse.read(from: &buffer, replyingTo: kind, atEOF: true)
            }
        }
        var partial = ByteBuffer(hex: "77 00 238e 4d")
        #expect(throws: EPMDError.self) {
            _ = try EPMDResponse.read(from: &partial, replyingTo: .portPlease2, atEOF: true)
        }
    }

    @Test func wrongReplyCodesAreMalformed() {
        let cases: [(EPMDRequest.Kind, String)] = [
            (.alive2, "77 00"), (.portPlease2, "76 00 00000001"), (.kill, "4f4e"), (.stop, "4e4f4e45212121"),
        ]
        for (kind, hex) in cases {
            var buffer = ByteBuffer(hex: hex)
            #expect(throws: EPMDError.self) {
                _ = try EPMDResponse.read(from: &buffer, replyingTo: kind, atEOF: false)
            }
        }
    }

    @Test func oversizedTextRepliesAreRefused() {
        var buffer = ByteBuffer(repeating: 0x61, count: 2000)
        #expect(throws: EPMDError.self) {
            _ = try EPMDResponse.read(from: &buffer, replyingTo: .names, atEOF: false, maximumTextLength: 1000)
        }
    }

    @Test func bestVersionFollowsErlEPMD() {
        let record = EPMDNodeRecord(name: "a", port: 1, highestVersion: 6, lowestVersion: 5)
        #expect(record.bestVersion() == 6)
        #expect(record.bestVersion(lowest: 5, highest: 5) == 5)
        #expect(record.bestVersion(lowest: 7, highest: 8) == nil)
    }
}

