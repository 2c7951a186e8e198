import ErlangDistribution
import NIOCore
import Testing

@Suite struct DistributionFrameDecoderTests {
    @Test func framesAndTicksAreSplitOff() throws {
        var bytes = ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 2, 0x70, 0x83, 0, 0, 0])
        #expect(try DistributionFrameDecoder.readFrame(from: &bytes, maximumFrameBytes: 100) == ByteBuffer())
        #expect(try DistributionFrameDecoder.readFrame(from: &bytes, maximumFrameBytes: 100) == ByteBuffer(bytes: [0x70, 0x83]))
        #expect(try DistributionFrameDecoder.readFrame(from: &bytes, maximumFrameBytes: 100) == nil)
        #expect(bytes.readableBytes == 3)
    }

    @Test func anOverlongLengthIsRefusedWithoutWaitingForTheBytes() {
        var bytes = ByteBuffer(bytes: [0, 0, 0, 101])
        #expect {
            try DistributionFrameDecoder.readFrame(from: &bytes, maximumFrameBytes: 100)
        } throws: { ($0 as? DistributionError)?.code == .frameTooLarge }
    }
}
