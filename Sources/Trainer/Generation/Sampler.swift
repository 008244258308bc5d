import CKernels
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
        var stats: (max: Float, sum: Float, expectedLogit: Float) = (0, 0, 0)
        withUnsafeMutableBytes(of: &stats) { aepo_tempered_softmax(p, logits, V, invT, $0.baseAddress?.assumingMemoryBound(to: Float.self)) }
        let logZ = stats.max + log(stats.sum)
        // H = log Z - sum_j p_j z_j / T
        let entropy = Swift.max(0, logZ - stats.expectedLogit * invT) / log(Float(V))
        let token = temperature > 0 ? draw(p, rng: &rng) : argmax(logits)
        return SampledToken(token: Int32(token), logProb: logits[token] * invT - logZ, entropy: Swift.min(1, entropy))
    }

    private func argmax(_ logits: UnsafePointer<Float>) -> Int {
        aepo_argmax(logits, vocabSize)
    }

    /// Draws from the (normalised) probabilities `p`, truncated by top-k / top-p.
    private mutating func draw(_ p: UnsafeMutablePointer<Float>, rng: inout Xoshiro256) -> Int {
        let V = vocabSize
        guard (topK > 0 && topK < V) || topP < 1 else {
            return pick(count: V, rng: &rng) { p[$0] }
        }
        let kept = Self.truncate(p, count: V, topK: topK, topP: topP, order: &order)
        let ordered = order
        return Int(ordered[pick(count: kept, rng: &rng) { p[Int(ordered[$0])] }])
    }

    /// The ids a truncated draw keeps, in `order[0..<returned count]`, most
    /// probable first with ties by id: the first `topK` (when 0 < topK < V),
    /// cut to the shortest run whose probabilities reach `topP` (when < 1).
    ///
    /// Only the ids at or above a threshold are sorted. The threshold starts
    /// at the largest probability / 16 and drops 16-fold until the ids above
    /// it number `topK` or hold `topP` of the mass; those ids are a prefix of
    /// the whole vocabulary in sorted order, so the kept ones are the ones a
    /// sort of all V ids keeps (where float rounding makes the prefix fall
    /// short, the whole vocabulary is sorted). A peaked distribution sorts a
    /// few dozen ids instead of 151,936 (Qwen's vocabulary) at every token.
    static func truncate(_ p: UnsafePointer<Float>, count V: Int, topK: Int, topP: Float, order: inout [Int32]) -> Int {
        let truncateK = topK > 0 && topK < V, truncateP = topP < 1
        var threshold = Swift.max(0, FastMath.max(p, V))
        var count = 0
        repeat {
            threshold = threshold / 16 < Float.leastNormalMagnitude ? 0 : threshold / 16
            var mass: Float = 0
            let limit = threshold
            count = order.withUnsafeMutableBufferPointer { ids in aepo_collect_at_least(p, V, limit, ids.baseAddress, &mass) }
            // the mass is summed in no set order: it only decides when to
            // stop lowering the threshold, the kept ids come from the sort
            if (truncateK && count >= topK) || (truncateP && mass >= topP) { break }
        } while threshold > 0
        if truncateK && count > 8 * topK {
            // a flat distribution: the first threshold already holds most of
            // the vocabulary, and only its first topK ids can be kept
            count = selectFirst(topK, of: count, p, order: &order)
        }
        sortPrefix(p, count: count, order: &order)
        if let kept = keptCount(p, order: order, sorted: count, vocabulary: V, topK: topK, topP: topP) { return kept }
        // the prefix's mass reached topP summed by id, not in sorted order
        for j in 0..<V { order[j] = Int32(j) }
        sortPrefix(p, count: V, order: &order)
        return keptCount(p, order: order, sorted: V, vocabulary: V, topK: topK, topP: topP) ?? V
    }

    /// Moves the first `k` of `order[0..<count]` in `sortPrefix`'s order
    /// (probability descending, ties by id) to `order[0..<k]`, unsorted,
    /// by a heap of the k best seen so far; returns k.
    private static func selectFirst(_ k: Int, of count: Int, _ p: UnsafePointer<Float>, order: inout [Int32]) -> Int {
        let before = { (a: Int32, b: Int32) in comesBefore(a, b, p) }
        order.withUnsafeMutableBufferPointer { ids in
            // ids[0..<k] is a heap whose root comes last of them in the order
            func siftDown(_ start: Int) {
                var i = start
                while true {
                    let left = 2 * i + 1, right = left + 1
                    var last = i
                    if left < k, before(ids[last], ids[left]) { last = left }
                    if right < k, before(ids[last], ids[right]) { last = right }
                    if last == i { return }
                    ids.swapAt(i, last)
                    i = last
                }
            }
            for i in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(i) }
            for j in k..<count where before(ids[j], ids[0]) {
                ids[0] = ids[j]
                siftDown(0)
            }
        }
        return k
    }

    /// Whether id `a` comes before id `b` in the sorted order: more
    /// probable first, ties by id.
    @inline(__always) private static func comesBefore(_ a: Int32, _ b: Int32, _ p: UnsafePointer<Float>) -> Bool {
        let pa = p[Int(a)], pb = p[Int(b)]
        return pa != pb ? pa > pb : a < b
    }

    /// Sorts `order[0..<count]` by probability, descending, ties by id.
    private static func sortPrefix(_ p: UnsafePointer<Float>, count: Int, order: inout [Int32]) {
        order.withUnsafeMutableBufferPointer { buffer in
            var prefix = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
            prefix.sort { comesBefore($0, $1, p) }
        }
    }

    /// How many of the `sorted` leading ids of `order` (sorted as
    /// `sortPrefix` sorts) a draw keeps: the first `topK` (when
    /// 0 < topK < V), cut to the shortest run reaching `topP`. Nil when the
    /// run reaches neither `topP`, `topK` nor the whole vocabulary: more ids
    /// may belong to it.
    static func keptCount(
        _ p: UnsafePointer<Float>, order: [Int32], sorted: Int, vocabulary V: Int, topK: Int, topP: Float
    ) -> Int? {
        let kept = topK > 0 && topK < V ? min(topK, sorted) : sorted
        guard topP < 1 else { return kept }
        var cumulative: Float = 0
        for i in 0..<kept {
            cumulative += p[Int(order[i])]
            if cumulative >= topP { return i + 1 }
        }
        return (topK > 0 && topK <= sorted) || sorted == V ? kept : nil
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
