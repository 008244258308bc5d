import Foundation

/// The per-token inputs of a policy-gradient step, flattened over a batch:
/// token `t` belongs to sequence `sequence[t]`; masked-out tokens (prompt,
/// tool results) have `mask[t] == false` and get neither loss nor gradient.
public struct PolicyBatch: Sendable {
    /// log pi_theta(y_t) under the current policy.
    public var logProbs: [Double]
    /// log pi_old(y_t) under the policy that generated the rollout.
    public var oldLogProbs: [Double]
    /// A_t, the advantage of each token.
    public var advantages: [Double]
    public var mask: [Bool]
    /// The sequence (rollout) index of each token, 0-based and contiguous.
    public var sequence: [Int]

    public init(logProbs: [Double], oldLogProbs: [Double], advantages: [Double], mask: [Bool], sequence: [Int]) {
        self.logProbs = logProbs
        self.oldLogProbs = oldLogProbs
        self.advantages = advantages
        self.mask = mask
        self.sequence = sequence
    }

    var count: Int { logProbs.count }
    var validTokens: Int { mask.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

/// Clip settings of a loss.
public struct ClipSettings: Sendable, Codable, Hashable {
    /// eps_low: the ratio's lower bound is `1 - low`.
    public var low: Double
    /// eps_high: the ratio's upper bound is `1 + high`.
    public var high: Double
    /// Dual clip c (> 1): for A < 0 the loss is at most `-c * A`; nil disables it.
    public var dualClip: Double?

    public init(low: Double = 0.2, high: Double = 0.2, dualClip: Double? = 3.0) {
        self.low = low
        self.high = high
        self.dualClip = dualClip
    }

    enum CodingKeys: String, CodingKey {
        case low = "clip_ratio_low"
        case high = "clip_ratio_high"
        case dualClip = "clip_ratio_c"
    }
}

/// A loss value, its gradient with respect to each token's log-probability
/// (what the model's backward pass consumes), and verl's metrics.
public struct PolicyLossResult: Sendable {
    public var loss: Double
    /// dL / d log pi_theta(y_t); zero on masked tokens.
    public var gradient: [Double]
    /// `actor/pg_clipfrac`, `actor/pg_clipfrac_lower`, `actor/ppo_kl`.
    public var metrics: [String: Double]
}

/// The clipped surrogate losses of AEPO.md sections 2-3 as pure functions.
///
/// Aggregation is token-mean (`1 / sum_j |y_j|` over valid tokens) for every
/// clipping rule except GSPO, which averages per-sequence terms.
public enum PolicyLoss {
    public static func compute(
        _ clipping: PolicyAlgorithm.Clipping, batch: PolicyBatch, clip: ClipSettings
    ) -> PolicyLossResult {
        switch clipping {
        case .sequence:
            return sequenceLevel(batch, clip: clip)
        case .clippedImportanceSampling:
            return clippedImportanceSampling(batch, clip: clip)
        case .ppo, .entropyBalanced, .gradientPreserving:
            return tokenLevel(clipping, batch, clip: clip)
        }
    }

    /// PPO-style clipping per token, with the gradient rule of `clipping`.
    static func tokenLevel(_ clipping: PolicyAlgorithm.Clipping, _ batch: PolicyBatch, clip: ClipSettings) -> PolicyLossResult {
        let n = Double(max(batch.validTokens, 1))
        var loss = 0.0, clipped = 0, clippedLower = 0, kl = 0.0
        var gradient = [Double](repeating: 0, count: batch.count)
        for t in 0..<batch.count where batch.mask[t] {
            let a = batch.advantages[t]
            let logRatio = batch.logProbs[t] - batch.oldLogProbs[t]
            let r = exp(logRatio)
            kl += -logRatio
            let bounded = min(max(r, 1 - clip.low), 1 + clip.high)
            let unclippedLoss = -a * r
            let clippedLoss = -a * bounded
            // max of the two losses = -min(r A, clip(r) A)
            var tokenLoss = max(unclippedLoss, clippedLoss)
            let clipActive = clippedLoss > unclippedLoss
            // d(-A r)/d log pi = -A r; a clipped token's rule depends on the algorithm.
            var tokenGradient = clipActive ? clippedGradient(clipping, a: a, r: r, clip: clip) : -a * r
            if clipActive { clipped += 1 }
            if let c = clip.dualClip, a < 0, -a * c < tokenLoss {
                tokenLoss = -a * c
                tokenGradient = 0
                clippedLower += 1
            }
            loss += tokenLoss / n
            gradient[t] = tokenGradient / n
        }
        return PolicyLossResult(loss: loss, gradient: gradient, metrics: metrics(clipped, clippedLower, kl, n))
    }

    /// The gradient a token keeps when its ratio is clipped.
    static func clippedGradient(_ clipping: PolicyAlgorithm.Clipping, a: Double, r: Double, clip: ClipSettings) -> Double {
        switch clipping {
        case .entropyBalanced:
            // clip(r, 1-eps_l, (1+eps_h)/sg(r) * r): the high side keeps (1+eps_h) A grad log pi.
            return r > 1 + clip.high && a > 0 ? -a * (1 + clip.high) : 0
        case .gradientPreserving:
            if r > 1 + clip.high && a > 0 { return -a * (1 + clip.high) }
            if r < 1 - clip.low && a < 0 { return -a * (1 - clip.low) }
            return 0
        default:
            return 0
        }
    }

    /// GSPO: `s_i = exp(mean_t(log pi - log pi_old))` per sequence, clipped
    /// per sequence; loss `-(1/G) sum_i min(s_i A_i, clip(s_i) A_i)`; an
    /// unclipped sequence gives each of its tokens `-A_i s_i / (G |y_i|)`.
    static func sequenceLevel(_ batch: PolicyBatch, clip: ClipSettings) -> PolicyLossResult {
        let sequences = (batch.sequence.max() ?? -1) + 1
        var logRatioSum = [Double](repeating: 0, count: sequences)
        var lengths = [Int](repeating: 0, count: sequences)
        var advantage = [Double](repeating: 0, count: sequences)
        var kl = 0.0
        for t in 0..<batch.count where batch.mask[t] {
            let i = batch.sequence[t]
            logRatioSum[i] += batch.logProbs[t] - batch.oldLogProbs[t]
            lengths[i] += 1
            advantage[i] = batch.advantages[t]
            kl -= batch.logProbs[t] - batch.oldLogProbs[t]
        }
        let present = lengths.indices.filter { lengths[$0] > 0 }
        let g = Double(max(present.count, 1))
        var loss = 0.0, clipped = 0
        var sequenceGradient = [Double](repeating: 0, count: sequences)
        for i in present {
            let s = exp(logRatioSum[i] / Double(lengths[i]))
            let a = advantage[i]
            let bounded = min(max(s, 1 - clip.low), 1 + clip.high)
            let unclippedLoss = -a * s, clippedLoss = -a * bounded
            loss += max(unclippedLoss, clippedLoss) / g
            if clippedLoss > unclippedLoss {
                clipped += lengths[i]
            } else {
                sequenceGradient[i] = -a * s / (g * Double(lengths[i]))
            }
        }
        var gradient = [Double](repeating: 0, count: batch.count)
        for t in 0..<batch.count where batch.mask[t] { gradient[t] = sequenceGradient[batch.sequence[t]] }
        let n = Double(max(batch.validTokens, 1))
        return PolicyLossResult(loss: loss, gradient: gradient, metrics: metrics(clipped, 0, kl, n))
    }

    /// CISPO: `L = -(1/N) sum_t sg(clip(r_t)) A_t log pi_t`; the gradient is
    /// `-clip(r_t) A_t / N` for every valid token.
    static func clippedImportanceSampling(_ batch: PolicyBatch, clip: ClipSettings) -> PolicyLossResult {
        let n = Double(max(batch.validTokens, 1))
        var loss = 0.0, clipped = 0, kl = 0.0
        var gradient = [Double](repeating: 0, count: batch.count)
        for t in 0..<batch.count where batch.mask[t] {
            let logRatio = batch.logProbs[t] - batch.oldLogProbs[t]
            let r = exp(logRatio)
            let weight = min(max(r, 1 - clip.low), 1 + clip.high)
            if weight != r { clipped += 1 }
            kl -= logRatio
            loss += -weight * batch.advantages[t] * batch.logProbs[t] / n
            gradient[t] = -weight * batch.advantages[t] / n
        }
        return PolicyLossResult(loss: loss, gradient: gradient, metrics: metrics(clipped, 0, kl, n))
    }

    private static func metrics(_ clipped: Int, _ clippedLower: Int, _ kl: Double, _ n: Double) -> [String: Double] {
        ["actor/pg_clipfrac": Double(clipped) / n, "actor/pg_clipfrac_lower": Double(clippedLower) / n, "actor/ppo_kl": kl / n]
    }
}
