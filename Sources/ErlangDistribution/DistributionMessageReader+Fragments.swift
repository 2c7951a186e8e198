import ErlangTerm
import NIOCore

/// A message being reassembled: the atoms its first fragment's header listed, the fragment id
/// expected next, and the data so far.
struct PendingMessage: Sendable {
    var atoms: [Atom]
    var nextFragmentID: UInt64
    var reassembly = FragmentReassembly()
    /// The bytes counted against the bounds for this message: those received, and those its
    /// detached binaries reserved before they came.
    var held = 0
    /// Of ``held``, the reserved bytes not yet received.
    var prepaid = 0

    init(atoms: [Atom], nextFragmentID: UInt64) {
        self.atoms = atoms
        self.nextFragmentID = nextFragmentID
    }

    /// Adds bytes already counted in ``held``; returns the bytes its detached binaries reserved
    /// ahead, now counted in ``held`` and ``prepaid``, which the connection must count too.
    mutating func gather(_ bytes: ByteBuffer, limits: DistributionLimits, buffered: Int) -> Int {
        let allowance = min(limits.maxFragmentedMessageBytes - held, limits.maxBufferedFragmentBytes - buffered)
        let reserved = reassembly.append(bytes, allowance: allowance)
        held += reserved
        prepaid += reserved
        return reserved
    }
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
        // Gathered into storage of its own: the frame's buffer is not kept alive.
        var message = PendingMessage(atoms: atoms, nextFragmentID: fragments - 1)
        message.held = data.readableBytes
        bufferedBytes += message.gather(data, limits: limits, buffered: bufferedBytes)
        pending[sequenceID] = message
        return nil
    }

    mutating func continueSequence(_ sequenceID: UInt64, fragment: UInt64, data: ByteBuffer) throws -> DistributionMessage? {
        do {
            try beginContinuation(sequenceID, fragment: fragment, dataBytes: data.readableBytes)
        } catch {
            // A refused fragment ends its message: what is held of it can never be completed.
            if let message = pending.removeValue(forKey: sequenceID) { bufferedBytes -= message.held }
            throw error
        }
        appendContinuation(data, to: sequenceID)
        return try finishContinuation(sequenceID)
    }

    /// Checks that `fragment` is the one `sequenceID` expects next and that its `dataBytes` keep
    /// within the bounds, and counts them (less what detached binaries reserved for them);
    /// nothing changes when it throws.
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
        let credit = min(message.prepaid, dataBytes)
        let adding = dataBytes - credit
        try reserve(adding: adding, total: message.held + adding, sequenceID: sequenceID)
        pending[sequenceID]?.held += adding
        pending[sequenceID]?.prepaid -= credit
    }

    /// Adds bytes of the fragment begun with ``beginContinuation(_:fragment:dataBytes:)``, in
    /// place (the dictionary's storage is modified, so the data gathered so far is not copied).
    mutating func appendContinuation(_ bytes: ByteBuffer, to sequenceID: UInt64) {
        let buffered = bufferedBytes
        bufferedBytes += pending[sequenceID]?.gather(bytes, limits: limits, buffered: buffered) ?? 0
    }

    /// Ends the fragment once all its bytes were added; returns the message when it was the last.
    mutating func finishContinuation(_ sequenceID: UInt64) throws -> DistributionMessage? {
        guard var message = pending.removeValue(forKey: sequenceID) else { return nil }
        guard message.nextFragmentID == 1 else {
            message.nextFragmentID -= 1
            pending[sequenceID] = message
            return nil
        }
        bufferedBytes -= message.held
        var body = message.reassembly.data
        return try decodeMessage(&body, atoms: message.atoms, offset: 0, detached: message.reassembly.detached)
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
