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

/// What one position's logits give before its token is chosen: log Z at
/// temperature 1 and the `count` largest logits' tokens.
struct LogprobMeasure {
    /// log sum_j exp(logits[j]).
    let logZ: Float
    /// The most likely tokens, most likely first.
    let top: [RankedToken]

    /// Measures `logits` (V floats); `scratch` (V floats) receives the
    /// softmax on the way.
    init(_ logits: UnsafePointer<Float>, count V: Int, top n: Int, scratch: UnsafeMutablePointer<Float>) {
        var stats: (max: Float, sum: Float, expectedLogit: Float) = (0, 0, 0)
        withUnsafeMutableBytes(of: &stats) {
            aepo_tempered_softmax(scratch, logits, V, 1, $0.baseAddress?.assumingMemoryBound(to: Float.self))
        }
        let logZ = stats.max + Foundation.log(stats.sum)
        self.logZ = logZ
        top = Self.largest(logits, count: V, n: n).map { RankedToken(token: Int32($0), logprob: logits[$0] - logZ) }
    }

    /// The report of `token`, whose logit (before any penalty) is `logit`.
    func report(token: Int32, logit: Float) -> TokenLogprobs {
        TokenLogprobs(token: token, logprob: logit - logZ, top: top)
    }

    /// The indices of the `n` largest of `x[0..<count]`, largest first,
    /// equal values in increasing index; NaN never counts.
    static func largest(_ x: UnsafePointer<Float>, count: Int, n: Int) -> [Int] {
        guard n > 0 else { return [] }
        var best: [(value: Float, index: Int)] = []
        best.reserveCapacity(n + 1)
        for j in 0..<count {
            let value = x[j]
            guard value == value else { continue }
            if best.count == n {
                guard let last = best.last, value > last.value else { continue }
                best.removeLast()
            }
            // after every equal value already kept: ties stay in index order
            var at = best.count
            while at > 0 && best[at - 1].value < value { at -= 1 }
            best.insert((value, j), at: at)
        }
        return best.map(\.index)
    }
}
