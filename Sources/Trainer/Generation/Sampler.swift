import Foundation

/// One sampled token with what the RL code needs to know about it.
public struct SampledToken: Sendable, Equatable {
    /// The token id.
    public var token: Int32
    /// log p(token) under the full softmax at the sampling temperature,
    /// `softmax(logits / T)` before any top-k/top-p truncation (the quantity the
    /// trainer recomputes as the old policy's log-probability). Temperature 0
    /// (greedy) reports it at T = 1.
    public var logProb: Float
    /// Entropy of that full softmax divided by log V, in [0, 1].
    public var entropy: Float
}

/// Turns a row of logits into a token: temperature, then top-k, then top-p
/// (nucleus), then one uniform draw from the caller's generator. Holds
/// scratch space, so keep one per generation call.
struct Sampler {
    let vocabSize: Int
    let temperature: Float
    let topK: Int
    let topP: Float
    private let probs: FloatBuffer
    private var order: [Int32]

    init(vocabSize: Int, temperature: Float, topK: Int, topP: Float) {
        self.vocabSize = vocabSize
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        probs = FloatBuffer(count: vocabSize)
        order = (0..<Int32(vocabSize)).map { $0 }
    }

    /// Samples from `logits` (V floats).
    mutating func sample(_ logits: UnsafePointer<Float>, rng: inout Xoshiro256) -> SampledToken {
        let V = vocabSize
        let invT = 1 / (temperature > 0 ? temperature : 1)
        let p = probs.pointer
        for j in 0..<V { p[j] = logits[j] * invT }
        let maxValue = FastMath.max(p, V)
        let sum = FastMath.expShiftInPlace(p, V, shift: maxValue)
        let logZ = maxValue + log(sum)
        let inv = 1 / sum
        for j in 0..<V { p[j] *= inv }
        // H = log Z - sum_j p_j z_j / T
        let expected = FastMath.dot(p, logits, V) * invT
        let entropy = Swift.max(0, logZ - expected) / log(Float(V))
        let token = temperature > 0 ? draw(p, rng: &rng) : argmax(logits)
        return SampledToken(token: Int32(token), logProb: logits[token] * invT - logZ, entropy: Swift.min(1, entropy))
    }

    private func argmax(_ logits: UnsafePointer<Float>) -> Int {
        var best = 0
        for j in 1..<vocabSize where logits[j] > logits[best] { best = j }
        return best
    }

    /// Draws from the (normalised) probabilities `p`, truncated by top-k / top-p.
    private mutating func draw(_ p: UnsafeMutablePointer<Float>, rng: inout Xoshiro256) -> Int {
        let V = vocabSize
        let truncateK = topK > 0 && topK < V
        let truncateP = topP < 1
        if !truncateK && !truncateP {
            return pick(count: V, rng: &rng) { p[$0] }
        }
        for j in 0..<V { order[j] = Int32(j) }
        // probabilities descending, ties by id: deterministic
        order.sort { p[Int($0)] != p[Int($1)] ? p[Int($0)] > p[Int($1)] : $0 < $1 }
        var kept = truncateK ? topK : V
        if truncateP {
            var cumulative: Float = 0
            for i in 0..<kept {
                cumulative += p[Int(order[i])]
                if cumulative >= topP {
                    kept = i + 1
                    break
                }
            }
        }
        let ordered = order
        return Int(ordered[pick(count: kept, rng: &rng) { p[Int(ordered[$0])] }])
    }

    /// Index in 0..<count drawn proportionally to `weight(i)`.
    private func pick(count: Int, rng: inout Xoshiro256, weight: (Int) -> Float) -> Int {
        var total: Float = 0
        for i in 0..<count { total += weight(i) }
        let u = rng.nextFloat() * total
        var cumulative: Float = 0
        for i in 0..<count {
            cumulative += weight(i)
            if u < cumulative { return i }
        }
        // rounding: fall back to the last index with non-zero weight
        for i in stride(from: count - 1, through: 0, by: -1) where weight(i) > 0 { return i }
        return 0
    }
}
