import CKernels
import Foundation

/// A generated token's log-probability and the most likely tokens at its
/// position, under the model's own distribution: the softmax of the logits
/// at temperature 1, before any penalty, temperature or truncation (what
/// vLLM reports by default, its "raw" logprobs). `SampledToken.logProb` is
/// the other quantity, at the sampling temperature, which the RL code keeps.
public struct TokenLogprobs: Sendable, Equatable {
    /// The generated token.
    public var token: Int32
    /// Its log-probability.
    public var logprob: Float
    /// The most likely tokens at the position, most likely first (equal
    /// logits: lower id first), as many as the request asked for.
    public var top: [RankedToken]
}

/// One of the most likely tokens at a position.
public struct RankedToken: Sendable, Equatable {
    /// The token id.
    public var token: Int32
    /// Its log-probability.
    public var logprob: Float
}

/// Scratch of `LogprobMeasure` for one sequence: the softmax and the
/// sampler's id order over the vocabulary.
final class LogprobScratch {
    let probabilities: FloatBuffer
    var order: [Int32]

    init(vocabularySize V: Int) {
        probabilities = FloatBuffer(uninitializedCount: V)
        order = [Int32](repeating: 0, count: V)
    }
}

/// What one position's logits give before its token is chosen: log Z at
/// temperature 1 and the `count` most likely tokens.
struct LogprobMeasure {
    /// log sum_j exp(logits[j]).
    let logZ: Float
    /// The most likely tokens, most likely first.
    let top: [RankedToken]

    /// Measures `logits` (V floats) in `scratch` (made for V).
    init(_ logits: UnsafePointer<Float>, count V: Int, top n: Int, scratch: LogprobScratch) {
        let p = scratch.probabilities.pointer
        var stats: (max: Float, sum: Float, expectedLogit: Float) = (0, 0, 0)
        withUnsafeMutableBytes(of: &stats) {
            aepo_tempered_softmax(p, logits, V, 1, $0.baseAddress?.assumingMemoryBound(to: Float.self))
        }
        let logZ = stats.max + Foundation.log(stats.sum)
        self.logZ = logZ
        guard n > 0 else {
            top = []
            return
        }
        // the ids top-k sampling would keep: most probable first, ties by id
        let kept = Sampler.truncate(p, count: V, topK: min(n, V), topP: 1, order: &scratch.order)
        top = scratch.order[0..<min(n, kept)].map { RankedToken(token: $0, logprob: logits[Int($0)] - logZ) }
    }

    /// The report of `token`, whose logit (before any penalty) is `logit`.
    func report(token: Int32, logit: Float) -> TokenLogprobs {
        TokenLogprobs(token: token, logprob: logit - logZ, top: top)
    }
}
