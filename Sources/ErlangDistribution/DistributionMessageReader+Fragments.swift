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
        try reserve(adding: data.readableBytes, total: data.readableBytes, sequenceID: sequenceID)
        var copy = ByteBuffer()
        copy.writeImmutableBuffer(data)  // Own storage: the frame's buffer is not kept alive.
        pending[sequenceID] = PendingMessage(atoms: atoms, nextFragmentID: fragments - 1, data: copy)
        return nil
    }

    mutating func continueSequence(_ sequenceID: UInt64, fragment: UInt64, data: ByteBuffer) throws -> DistributionMessage? {
        do {
            try beginContinuation(sequenceID, fragment: fragment, dataBytes: data.readableBytes)
        } catch {
            // A refused fragment ends its message: what is held of it can never be completed.
            if let message = pending.removeValue(forKey: sequenceID) { bufferedBytes -= message.data.readableBytes }
            throw error
        }
        appendContinuation(data, to: sequenceID)
        return try finishContinuation(sequenceID)
    }

    /// Checks that `fragment` is the one `sequenceID` expects next and that its `dataBytes` keep
    /// within the bounds, and counts them; nothing changes when it throws.
    mutating func beginContinuation(_ sequenceID: UInt64, fragment: UInt64, dataBytes: Int) throws {
        guard let message = pending[sequenceID] else {
            throw DistributionError(
                .fragmentWithoutStart, at: 2, "fragment \(fragment) of sequence \(sequenceID), which has not started"
            )
        }
        guard fragment == message.nextFragmentID else {
            throw DistributionError(
                .fragmentOutOfOrder, at: 10, "sequence \(sequenceID) expects fragment \(message.nextFragmentID), got \(fragment)"
            )
        }
        try reserve(adding: dataBytes, total: message.data.readableBytes + dataBytes, sequenceID: sequenceID)
    }

    /// Adds bytes of the fragment begun with ``beginContinuation(_:fragment:dataBytes:)``, in
    /// place (the dictionary's storage is modified, so the data gathered so far is not copied).
    mutating func appendContinuation(_ bytes: ByteBuffer, to sequenceID: UInt64) {
        pending[sequenceID]?.data.writeImmutableBuffer(bytes)
    }

    /// Ends the fragment once all its bytes were added; returns the message when it was the last.
    mutating func finishContinuation(_ sequenceID: UInt64) throws -> DistributionMessage? {
        guard var message = pending.removeValue(forKey: sequenceID) else { return nil }
        guard message.nextFragmentID == 1 else {
            message.nextFragmentID -= 1
            pending[sequenceID] = message
            return nil
        }
        bufferedBytes -= message.data.readableBytes
        return try decodeMessage(&message.data, atoms: message.atoms, offset: 0)
    }

    /// Counts `adding` more bytes held for a message that would then hold `total`, when both stay
    /// within the bounds; nothing changes when it throws.
    private mutating func reserve(adding: Int, total: Int, sequenceID: UInt64) throws {
        guard total <= limits.maxFragmentedMessageBytes else {
            throw DistributionError(
                .fragmentMemoryExceeded,
                "sequence \(sequenceID) would hold \(total) bytes, the limit is \(limits.maxFragmentedMessageBytes)"
            )
        }
        let buffered = bufferedBytes + adding
        guard buffered <= limits.maxBufferedFragmentBytes else {
            throw DistributionError(
                .fragmentMemoryExceeded,
                "fragments would hold \(buffered) bytes on this connection, the limit is \(limits.maxBufferedFragmentBytes)"
            )
        }
        bufferedBytes = buffered
    }
}
