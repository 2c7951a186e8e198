import ErlangTerm
import NIOCore

/// A message being reassembled: the atoms its first fragment's header listed, the fragment id
/// expected next, and the data so far.
struct PendingMessage: Sendable {
    var atoms: [Atom]
    var nextFragmentID: UInt64
    var data: ByteBuffer
}

// Reassembly follows dist.c, erts_net_message: a first fragment opens a sequence (an id already
// open is an error), continuations must come for an open sequence with the next id counting down,
// and the fragment with id 1 completes the message. Unlike OTP, the bytes held are bounded.
extension DistributionMessageReader {
    mutating func startSequence(
        _ sequenceID: UInt64, fragments: UInt64, atoms: [Atom], data: ByteBuffer, offset: Int
    ) throws -> DistributionMessage? {
        guard pending[sequenceID] == nil else {
            throw DistributionError(
                .duplicateFragmentSequence, at: 2, "sequence \(sequenceID) starts again before its last fragment"
            )
        }
        guard fragments > 0 else {
            throw DistributionError(.fragmentOutOfOrder, at: 10, "sequence \(sequenceID) starts with fragment id 0")
        }
        if fragments == 1 {
            var body = data
            return try decodeMessage(&body, atoms: atoms, offset: offset)
        }
        guard pending.count < limits.maxConcurrentFragmentedMessages else {
            throw DistributionError(
                .tooManyFragmentedMessages, at: 2,
                "sequence \(sequenceID) would make \(pending.count + 1) messages reassembled at once, "
                    + "the limit is \(limits.maxConcurrentFragmentedMessages)"
            )
        }
        try reserve(total: data.readableBytes, sequenceID: sequenceID)
        var copy = ByteBuffer()
        copy.writeImmutableBuffer(data)  // Own storage: the frame's buffer is not kept alive.
        pending[sequenceID] = PendingMessage(atoms: atoms, nextFragmentID: fragments - 1, data: copy)
        return nil
    }

    mutating func continueSequence(_ sequenceID: UInt64, fragment: UInt64, data: ByteBuffer) throws -> DistributionMessage? {
        // Taken out of the dictionary so appending does not copy the data gathered so far.
        guard var message = pending.removeValue(forKey: sequenceID) else {
            throw DistributionError(
                .fragmentWithoutStart, at: 2, "fragment \(fragment) of sequence \(sequenceID), which has not started"
            )
        }
        bufferedBytes -= message.data.readableBytes
        guard fragment == message.nextFragmentID else {
            throw DistributionError(
                .fragmentOutOfOrder, at: 10, "sequence \(sequenceID) expects fragment \(message.nextFragmentID), got \(fragment)"
            )
        }
        try reserve(total: message.data.readableBytes + data.readableBytes, sequenceID: sequenceID)
        message.data.writeImmutableBuffer(data)
        guard fragment == 1 else {
            message.nextFragmentID -= 1
            pending[sequenceID] = message
            return nil
        }
        bufferedBytes -= message.data.readableBytes
        return try decodeMessage(&message.data, atoms: message.atoms, offset: 0)
    }

    /// Counts a message that would hold `total` bytes against the bounds (its earlier bytes are
    /// no longer counted when this is called).
    private mutating func reserve(total: Int, sequenceID: UInt64) throws {
        guard total <= limits.maxFragmentedMessageBytes else {
            throw DistributionError(
                .fragmentMemoryExceeded,
                "sequence \(sequenceID) would hold \(total) bytes, the limit is \(limits.maxFragmentedMessageBytes)"
            )
        }
        let buffered = bufferedBytes + total
        guard buffered <= limits.maxBufferedFragmentBytes else {
            throw DistributionError(
                .fragmentMemoryExceeded,
                "fragments would hold \(buffered) bytes on this connection, the limit is \(limits.maxBufferedFragmentBytes)"
            )
        }
        bufferedBytes = buffered
    }
}

// A continuation fragment that spans reads can be added to its message as its bytes arrive
// (``DistributionChannelHandler`` does so), instead of first being joined into a frame of its own
// and then copied into the message: for 1 MiB binaries that join was about a tenth of the
// receiving peer's time. The checks are those of ``continueSequence(_:fragment:data:)``; a
// fragment that fails them is not streamed, and reading it as a whole frame reports the error.
extension DistributionMessageReader {
    /// Starts adding fragment `fragmentID` of `sequenceID`, of `dataBytes` bytes after its
    /// header, to its message; false (and nothing changed) when the fragment is not the one its
    /// sequence expects next or would pass the bounds.
    mutating func beginStreamedFragment(sequenceID: UInt64, fragmentID: UInt64, dataBytes: Int) -> Bool {
        guard let held = pending[sequenceID].flatMap({ $0.nextFragmentID == fragmentID ? $0.data.readableBytes : nil }) else {
            return false
        }
        let total = held + dataBytes
        guard total <= limits.maxFragmentedMessageBytes, bufferedBytes + dataBytes <= limits.maxBufferedFragmentBytes else {
            return false
        }
        bufferedBytes += dataBytes
        return true
    }

    /// Adds bytes of the fragment begun with ``beginStreamedFragment(sequenceID:fragmentID:dataBytes:)``.
    mutating func appendStreamed(_ bytes: ByteBuffer, to sequenceID: UInt64) {
        pending[sequenceID]?.data.writeImmutableBuffer(bytes)
    }

    /// Ends the fragment once all its bytes were added; returns the message when it was the last.
    mutating func finishStreamedFragment(sequenceID: UInt64) throws -> DistributionMessage? {
        guard var message = pending.removeValue(forKey: sequenceID) else { return nil }
        guard message.nextFragmentID == 1 else {
            message.nextFragmentID -= 1
            pending[sequenceID] = message
            return nil
        }
        bufferedBytes -= message.data.readableBytes
        return try decodeMessage(&message.data, atoms: message.atoms, offset: 0)
    }
}
