/// The unbiased Pass@k estimator (BENCHMARKS.md): with `n` samples of an
/// item of which `c` are correct, `pass@k = 1 - C(n-c, k) / C(n, k)`,
/// averaged over items.
public enum PassAtK {
    /// Pass@k of one item.
    ///
    /// Computed in product form, `1 - Π_{i = n-c+1}^{n} (1 - k / i)`, so no
    /// binomial coefficient is ever formed; when `n - c < k` every draw of
    /// `k` samples contains a correct one and the result is exactly 1.
    /// - Parameters:
    ///   - n: samples drawn for the item (n >= k).
    ///   - c: correct samples (0 <= c <= n).
    ///   - k: the k of Pass@k (k >= 1).
    /// - Returns: the estimate, in [0, 1].
    /// - Throws: `PassAtKError` when the counts are impossible.
    public static func estimate(n: Int, c: Int, k: Int) throws(PassAtKError) -> Double {
        guard k >= 1 else { throw .invalidK(k) }
        guard n >= k else { throw .notEnoughSamples(n: n, k: k) }
        guard c >= 0 else { throw .negativeCorrect(c) }
        guard c <= n else { throw .correctExceedsSamples(c: c, n: n) }
        if n - c < k { return 1 }
        var allWrong = 1.0
        for i in stride(from: n - c + 1, through: n, by: 1) {
            allWrong *= 1 - Double(k) / Double(i)
        }
        return 1 - allWrong
    }

    /// The mean Pass@k over items.
    /// - Parameters:
    ///   - counts: per item, its sample count `n` and correct count `c`.
    ///   - k: the k of Pass@k.
    /// - Returns: the average of the per-item estimates.
    /// - Throws: `PassAtKError.noItems` for an empty list, or the first
    ///   item's error.
    public static func mean(
        _ counts: [(n: Int, c: Int)], k: Int
    ) throws(PassAtKError) -> Double {
        guard !counts.isEmpty else { throw .noItems }
        var total = 0.0
        for count in counts {
            total += try estimate(n: count.n, c: count.c, k: k)
        }
        return total / Double(counts.count)
    }
}

/// Impossible Pass@k inputs.
public enum PassAtKError: Error, Sendable, Equatable, CustomStringConvertible {
    /// k must be at least 1.
    case invalidK(Int)
    /// Fewer samples than k: Pass@k is not defined.
    case notEnoughSamples(n: Int, k: Int)
    /// A negative correct count.
    case negativeCorrect(Int)
    /// More correct samples than samples.
    case correctExceedsSamples(c: Int, n: Int)
    /// A mean over no items.
    case noItems

    public var description: String {
        switch self {
        case .invalidK(let k): return "pass@k needs k >= 1, got \(k)"
        case .notEnoughSamples(let n, let k): return "pass@\(k) needs at least \(k) samples, got \(n)"
        case .negativeCorrect(let c): return "negative correct count \(c)"
        case .correctExceedsSamples(let c, let n): return "\(c) correct out of only \(n) samples"
        case .noItems: return "pass@k mean over no items"
        }
    }
}
