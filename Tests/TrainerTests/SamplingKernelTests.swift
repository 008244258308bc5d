import CKernels
import Foundation
import Testing

@testable import Trainer

/// The sampler's C passes against the same figures in Double.
@Suite("Sampling kernels")
struct SamplingKernelTests {
    /// Probabilities, log Z and the expected logit of a tempered softmax
    /// within float rounding of Double's, rows of 16k and 16k + tail
    /// elements (the padded vector), probabilities past e^-87 aside.
    @Test(arguments: [(1, Float(1)), (16, 0.6), (37, 1.3), (151_936, 0.6), (1000, 0.25)])
    func temperedSoftmaxMatchesDouble(count n: Int, temperature: Float) {
        let logits = randomBuffer(n, seed: UInt64(n), scale: 12)
        let p = FloatBuffer(count: n)
        var stats = [Float](repeating: .nan, count: 3)
        let invT = 1 / temperature
        aepo_tempered_softmax(p.pointer, logits.pointer, n, invT, &stats)
        let scaled = (0..<n).map { Double(logits[$0] * invT) }
        let top = scaled.max() ?? 0
        let e = scaled.map { Foundation.exp($0 - top) }
        let total = e.reduce(0, +)
        #expect(stats[0] == Float(top))
        #expect(abs(Double(stats[1]) - total) <= 1e-5 * total)
        var expected = 0.0, worst = 0.0
        for j in 0..<n {
            let reference = e[j] / total
            // below e^-87 the exponential is clamped (as `FastMath.exp`)
            if scaled[j] - top > -87 { worst = max(worst, abs(Double(p[j]) - reference) / reference) }
            expected += reference * Double(logits[j])
        }
        // the float sum of up to 151,936 terms rounds by a few ulp
        #expect(worst <= 1e-5, "largest relative error \(worst)")
        #expect(abs(Double(stats[2]) - expected) <= 1e-4 * max(1, abs(expected)))
    }

    /// The ids at or above a threshold, in order, and their mass: none,
    /// some and all of a row, with a tail past the last 16.
    @Test(arguments: [(16, Float(2)), (101, 0.5), (101, -1), (4099, 0.3), (151_936, 0.9)])
    func collectedIdsAreThoseAtOrAboveTheThreshold(count n: Int, threshold: Float) {
        let p = randomBuffer(n, seed: 7 + UInt64(n), scale: 1)
        for j in stride(from: 0, to: n, by: 13) { p[j] = threshold }  // equal counts as kept
        var ids = [Int32](repeating: -1, count: n)
        var mass: Float = .nan
        let count = aepo_collect_at_least(p.pointer, n, threshold, &ids, &mass)
        let expected = (0..<n).filter { p[$0] >= threshold }
        #expect(Array(ids[0..<count]) == expected.map { Int32($0) })
        let total = expected.reduce(0.0) { $0 + Double(p[$1]) }
        #expect(abs(Double(mass) - total) <= 1e-5 * max(1, abs(total)))
    }
}
