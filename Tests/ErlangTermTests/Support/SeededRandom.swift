import Foundation

/// SplitMix64: a small, seedable generator so randomized tests can be replayed from their seed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// The seed from `SWERL_TEST_SEED`, or a fixed default so CI runs are repeatable.
    static var seedFromEnvironment: UInt64 {
        ProcessInfo.processInfo.environment["SWERL_TEST_SEED"].flatMap { UInt64($0) } ?? 0x5745_524C_2026
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
