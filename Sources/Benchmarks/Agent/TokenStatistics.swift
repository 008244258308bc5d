/// Per-token statistics of one generated continuation, reported by models
/// that can (the built-in engine); remote endpoints leave them out.
public struct TokenStatistics: Sendable, Hashable {
    /// The generated token ids (the token completing a stop string included).
    public var tokenIDs: [Int]
    /// Per token: log-probability under the sampling softmax.
    public var logProbs: [Double]
    /// Per token: entropy of the full sampling softmax divided by log |V|.
    public var entropies: [Double]

    /// Creates the statistics; the three arrays have one entry per token.
    public init(tokenIDs: [Int], logProbs: [Double], entropies: [Double]) {
        self.tokenIDs = tokenIDs
        self.logProbs = logProbs
        self.entropies = entropies
    }

    /// Mean entropy of the first `count` tokens (nil without tokens).
    public func meanEntropy(firstTokens count: Int) -> Double? {
        let head = entropies.prefix(max(0, count))
        guard !head.isEmpty else { return nil }
        return head.reduce(0, +) / Double(head.count)
    }
}
