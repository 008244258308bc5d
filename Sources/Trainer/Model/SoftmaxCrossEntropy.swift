import Foundation

/// Softmax over the vocabulary with the log-probability of a target token per
/// row, and its backward from an arbitrary per-row gradient of that
/// log-probability (cross-entropy, weighted or masked, is the special case
/// `dlogprob = -weight`; policy-gradient losses pass their own).
///
/// Shapes: `logits`, `probs` (N, V) with N = B * T rows; `targets`,
/// `logprobs`, `entropy` (N). Logits are divided by a temperature first
/// (`invTemperature` = 1 / T), matching the sampler's distribution.
public enum SoftmaxCrossEntropy {
    /// Fills `probs = softmax(logits * invTemperature)`,
    /// `logprobs[n] = log probs[n, targets[n]]` and optionally the entropy
    /// `-sum_j p_j log p_j` (in nats, not normalised) of each row.
    /// - Parameters:
    ///   - probs: (N, V) result; logprobs: (N) result; entropy: (N) result or nil.
    ///   - logits: (N, V) input; targets: (N) ids in [0, V).
    ///   - invTemperature: 1 / temperature (1 for plain training).
    ///   - N: rows; V: vocabulary.
    public static func forward(
        probs: UnsafeMutablePointer<Float>, logprobs: UnsafeMutablePointer<Float>,
        entropy: UnsafeMutablePointer<Float>?, logits: UnsafePointer<Float>,
        targets: UnsafePointer<Int32>, invTemperature: Float = 1, N: Int, V: Int
    ) {
        for row in 0..<N {
            let z = logits + row * V, p = probs + row * V
            for j in 0..<V { p[j] = z[j] * invTemperature }
            let maxValue = FastMath.max(p, V)
            // scaled logits are needed again for the entropy: sum_j p_j z_j
            let target = Int(targets[row])
            let targetLogit = p[target]
            let sum = FastMath.expShiftInPlace(p, V, shift: maxValue)
            let logZ = maxValue + log(sum)
            logprobs[row] = targetLogit - logZ
            let inv = 1 / sum
            for j in 0..<V { p[j] *= inv }
            if let entropy {
                let expectedLogit = FastMath.dot(p, z, V) * invTemperature
                entropy[row] = Swift.max(0, logZ - expectedLogit)
            }
        }
    }

    /// Writes (overwrites) `dlogits` given the gradient of the loss with
    /// respect to each row's target log-probability:
    /// `dlogits[n, j] = invTemperature * dlogprob[n] * (1[j == target] - probs[n, j])`.
    /// Rows with `dlogprob == 0` are zero.
    /// - Parameters:
    ///   - dlogits: (N, V) result.
    ///   - dlogprob: (N) upstream gradient; probs: (N, V) from `forward`; targets: (N).
    ///   - invTemperature: the value used in `forward`.
    public static func backward(
        dlogits: UnsafeMutablePointer<Float>, dlogprob: UnsafePointer<Float>,
        probs: UnsafePointer<Float>, targets: UnsafePointer<Int32>,
        invTemperature: Float = 1, N: Int, V: Int
    ) {
        for row in 0..<N {
            let d = dlogits + row * V, p = probs + row * V
            let g = dlogprob[row] * invTemperature
            if g == 0 {
                d.update(repeating: 0, count: V)
                continue
            }
            for j in 0..<V { d[j] = -g * p[j] }
            d[Int(targets[row])] += g
        }
    }

    /// Naive Double-precision reference: returns (logprobs, entropies) per row.
    public static func referenceLogProbs(
        logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>,
        invTemperature: Float = 1, N: Int, V: Int
    ) -> (logprobs: [Double], entropies: [Double]) {
        var logprobs: [Double] = [], entropies: [Double] = []
        for row in 0..<N {
            let z = (0..<V).map { Double(logits[row * V + $0]) * Double(invTemperature) }
            let m = z.max() ?? 0
            let logZ = m + log(z.reduce(0) { $0 + exp($1 - m) })
            logprobs.append(z[Int(targets[row])] - logZ)
            entropies.append(-z.reduce(0) { $0 + exp($1 - logZ) * ($1 - logZ) })
        }
        return (logprobs, entropies)
    }
}
