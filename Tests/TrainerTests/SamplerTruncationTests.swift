import Foundation
import Testing

@testable import Trainer

/// Top-k / top-p truncation that sorts only the ids above a threshold keeps
/// exactly the ids, in the same order, that sorting the whole vocabulary
/// keeps.
@Suite("Sampler truncation")
struct SamplerTruncationTests {
    /// Normalised probabilities of a softmax of random logits at `spread`
    /// (large: peaked; small: nearly flat), with some exact ties.
    static func distribution(_ count: Int, spread: Float, seed: UInt64) -> [Float] {
        var rng = Xoshiro256(seed: seed)
        var logits = (0..<count).map { _ in (rng.nextFloat() - 0.5) * spread }
        for i in stride(from: 0, to: count, by: 97) { logits[i] = logits[0] }  // ties with id 0
        let top = logits.max() ?? 0
        let e = logits.map { Foundation.exp($0 - top) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    /// Whole-vocabulary sort: what the sampler always did.
    static func reference(_ p: [Float], topK: Int, topP: Float) -> [Int32] {
        func before(_ a: Int32, _ b: Int32) -> Bool {
            let pa = p[Int(a)], pb = p[Int(b)]
            return pa != pb ? pa > pb : a < b
        }
        let order = (0..<Int32(p.count)).sorted(by: before)
        let kept = p.withUnsafeBufferPointer {
            Sampler.keptCount($0.baseAddress!, order: order, sorted: p.count, vocabulary: p.count, topK: topK, topP: topP)
        }
        // a whole sort always has its count (nil would fail the comparison)
        guard let kept else { return [] }
        return Array(order[0..<kept])
    }

    @Test(arguments: [(0, Float(0.95)), (20, 1), (20, 0.95), (1, 0.5), (50, 0.0001), (0, 0.999_999), (5_000, 0.9999)])
    func keepsWhatAWholeSortKeeps(topK: Int, topP: Float) {
        for (seed, spread) in [(1, Float(30)), (2, 8), (3, 1), (4, 0.01), (5, 0)] {
            let p = Self.distribution(6_000, spread: spread, seed: UInt64(seed))
            var order = [Int32](repeating: -1, count: p.count)
            let kept = p.withUnsafeBufferPointer {
                Sampler.truncate($0.baseAddress!, count: p.count, topK: topK, topP: topP, order: &order)
            }
            #expect(Array(order[0..<kept]) == Self.reference(p, topK: topK, topP: topP), "spread \(spread), k \(topK), p \(topP)")
        }
    }
}
