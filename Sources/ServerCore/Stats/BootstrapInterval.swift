/// Percentile bootstrap confidence intervals for a mean over items.
///
/// Items are resampled with replacement `resamples` times; the interval is
/// the nearest-rank `(1 - confidence) / 2` and `(1 + confidence) / 2`
/// percentiles of the resampled means. The random draws come from a SplitMix64
/// stream started at `seed` and indices are drawn by multiply-high, so the
/// result depends on nothing but the arguments: the same values and seed give
/// the same interval on every machine and Swift version.
package enum BootstrapInterval {
    package struct Interval: Sendable, Equatable {
        package var low: Double
        package var high: Double
    }

    /// The default number of resamples.
    package static let defaultResamples = 1000

    /// The bootstrap interval of the mean of `values`.
    /// - Parameters:
    ///   - values: one value per item (for Pass@1: correct / samples).
    ///   - confidence: the coverage, in (0, 1); 0.95 by default.
    ///   - resamples: how many resampled means to draw (at least 1).
    ///   - seed: the random stream's seed.
    /// - Returns: the interval, or nil for no items or impossible parameters.
    package static func mean(
        of values: [Double], confidence: Double = 0.95, resamples: Int = defaultResamples, seed: UInt64 = 0
    ) -> Interval? {
        guard !values.isEmpty, resamples >= 1, confidence > 0, confidence < 1 else { return nil }
        let count = values.count
        var generator = SplitMix64(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        for resample in 0..<resamples {
            var total = 0.0
            for _ in 0..<count {
                total += values[generator.index(below: count)]
            }
            means[resample] = total / Double(count)
        }
        means.sort()
        let tail = (1 - confidence) / 2
        return Interval(
            low: means[rankIndex(tail, of: resamples)],
            high: means[rankIndex(1 - tail, of: resamples)])
    }

    /// The 0-based index of the nearest-rank `p`-th percentile of `n` sorted values.
    package static func rankIndex(_ p: Double, of n: Int) -> Int {
        // A small epsilon so 0.975 * 1000 is rank 975, not 976 by rounding noise.
        let rank = Int((p * Double(n) - 1e-9).rounded(.up))
        return min(max(rank, 1), n) - 1
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, fast, fully specified
/// generator, so seeded results never depend on the standard library.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` by multiply-high (Lemire); `bound` must be > 0.
    package mutating func index(below bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}
