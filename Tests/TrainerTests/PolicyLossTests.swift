import Foundation
import Testing

@testable import Trainer

/// The surrogate losses against hand-worked values (AEPO.md sections 2-3).
/// Tokens: r = exp(lp - old). Hand-worked with eps_l = eps_h = 0.2, c = 3.
@Suite("Policy losses")
struct PolicyLossTests {
    /// Four tokens of one sequence: r = 1.0 (A=+1), 1.5 (A=+1, clipped high),
    /// 0.5 (A=-1, clipped low), 1.1 (A=-2).
    static let batch = PolicyBatch(
        logProbs: [log(1.0), log(1.5), log(0.5), log(1.1)].map { $0 - 1 },
        oldLogProbs: [-1, -1, -1, -1], advantages: [1, 1, -1, -2], mask: [true, true, true, true],
        sequence: [0, 0, 0, 0])

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { abs(a - b) <= tolerance }

    @Test func ppoClipValueAndGradient() {
        let result = PolicyLoss.compute(.ppo, batch: Self.batch, clip: ClipSettings(dualClip: nil))
        // per token -min(rA, clip(r)A): -1, -1.2, +0.8, +2.2 -> mean 0.2
        #expect(Self.close(result.loss, (-1 - 1.2 + 0.8 + 2.2) / 4))
        // gradients -A r on unclipped tokens, 0 on clipped ones, / 4
        #expect(Self.close(result.gradient[0], -1.0 / 4))
        #expect(result.gradient[1] == 0)
        #expect(result.gradient[2] == 0)
        #expect(Self.close(result.gradient[3], 2 * 1.1 / 4))
        #expect(Self.close(result.metrics["actor/pg_clipfrac"]!, 0.5))
        #expect(result.metrics["actor/pg_clipfrac_lower"] == 0)
        // ppo_kl = mean(old - lp) = -mean(log r)
        #expect(Self.close(result.metrics["actor/ppo_kl"]!, -(log(1.5) + log(0.5) + log(1.1)) / 4))
    }

    @Test func entropyBalancedClippingKeepsRescaledHighSideGradient() {
        let ppo = PolicyLoss.compute(.ppo, batch: Self.batch, clip: ClipSettings(dualClip: nil))
        let eb = PolicyLoss.compute(.entropyBalanced, batch: Self.batch, clip: ClipSettings(dualClip: nil))
        #expect(eb.loss == ppo.loss)  // same forward value
        #expect(Self.close(eb.gradient[1], -(1 + 0.2) * 1 / 4))  // (1+eps_h) A grad log pi
        #expect(eb.gradient[2] == 0)  // low side stays a hard clip
        #expect(eb.gradient[0] == ppo.gradient[0] && eb.gradient[3] == ppo.gradient[3])
    }

    @Test func gradientPreservingClipsBothSides() {
        let gppo = PolicyLoss.compute(.gradientPreserving, batch: Self.batch, clip: ClipSettings(dualClip: nil))
        #expect(Self.close(gppo.gradient[1], -1.2 / 4))
        #expect(Self.close(gppo.gradient[2], -(-1) * 0.8 / 4))
    }

    @Test func dualClipBoundsNegativeAdvantageLoss() {
        // r = 5, A = -1: PPO loss max(5, 1.2) = 5 > c = 3 -> loss 3, no gradient.
        let batch = PolicyBatch(logProbs: [log(5)], oldLogProbs: [0], advantages: [-1], mask: [true], sequence: [0])
        let result = PolicyLoss.compute(.ppo, batch: batch, clip: ClipSettings())
        #expect(Self.close(result.loss, 3))
        #expect(result.gradient[0] == 0)
        #expect(result.metrics["actor/pg_clipfrac_lower"] == 1)
    }

    @Test func unclippedGradientsMatchFiniteDifferences() {
        // Where no bound is active, PPO's gradient is the derivative of its value.
        let batch = PolicyBatch(
            logProbs: [-1.05, -0.98, -1.1], oldLogProbs: [-1, -1, -1], advantages: [0.7, -0.3, 1.2],
            mask: [true, true, true], sequence: [0, 0, 0])
        let result = PolicyLoss.compute(.ppo, batch: batch, clip: ClipSettings())
        for t in 0..<3 {
            var plus = batch, minus = batch
            plus.logProbs[t] += 1e-6
            minus.logProbs[t] -= 1e-6
            let numeric = (PolicyLoss.compute(.ppo, batch: plus, clip: ClipSettings()).loss
                - PolicyLoss.compute(.ppo, batch: minus, clip: ClipSettings()).loss) / 2e-6
            #expect(Self.close(numeric, result.gradient[t], 1e-8))
        }
    }

    @Test func gspoUsesOneRatioPerSequence() {
        // Sequence 0: log ratios 0.1, -0.3 -> s = exp(-0.1), A = 1, inside [1-0.2, 1+0.2].
        // Sequence 1: log ratio 0.5 -> s = exp(0.5) = 1.6487 > 1.2, A = 2 -> clipped.
        let batch = PolicyBatch(
            logProbs: [0.1, -0.3, 0.5, 0], oldLogProbs: [0, 0, 0, 0], advantages: [1, 1, 2, 2],
            mask: [true, true, true, false], sequence: [0, 0, 1, 1])
        let result = PolicyLoss.compute(.sequence, batch: batch, clip: ClipSettings(dualClip: nil))
        let s0 = exp(-0.1)
        #expect(Self.close(result.loss, (-s0 * 1 + -1.2 * 2) / 2))
        #expect(Self.close(result.gradient[0], -s0 / (2 * 2)))
        #expect(Self.close(result.gradient[1], -s0 / (2 * 2)))
        #expect(result.gradient[2] == 0 && result.gradient[3] == 0)
        #expect(Self.close(result.metrics["actor/pg_clipfrac"]!, 1.0 / 3))
    }

    @Test func cispoKeepsEveryTokensGradient() {
        let clip = ClipSettings(low: 0.2, high: 0.2, dualClip: nil)
        let result = PolicyLoss.compute(.clippedImportanceSampling, batch: Self.batch, clip: clip)
        // gradient -sg(clip(r)) A / N: clip(r) = 1.0, 1.2, 0.8, 1.1
        #expect(Self.close(result.gradient[0], -1.0 / 4))
        #expect(Self.close(result.gradient[1], -1.2 / 4))
        #expect(Self.close(result.gradient[2], 0.8 / 4))
        #expect(Self.close(result.gradient[3], 2 * 1.1 / 4))
        let expected = -(1.0 * 1 * Self.batch.logProbs[0] + 1.2 * 1 * Self.batch.logProbs[1]
            + 0.8 * -1 * Self.batch.logProbs[2] + 1.1 * -2 * Self.batch.logProbs[3]) / 4
        #expect(Self.close(result.loss, expected))
    }

    @Test func maskedTokensGetNothingAndDoNotCount() {
        var batch = Self.batch
        batch.mask = [true, false, false, true]
        let result = PolicyLoss.compute(.ppo, batch: batch, clip: ClipSettings(dualClip: nil))
        #expect(Self.close(result.loss, (-1 + 2.2) / 2))
        #expect(result.gradient[1] == 0 && result.gradient[2] == 0)
        #expect(Self.close(result.gradient[0], -1.0 / 2))
    }

    @Test func algorithmsMapToTheirRules() throws {
        #expect(PolicyAlgorithm.aepo.clipping == .entropyBalanced)
        #expect(PolicyAlgorithm.arpo.clipping == .ppo && PolicyAlgorithm.arpo.rolloutMode == .entropyBranching)
        #expect(PolicyAlgorithm.reinforcePlusPlus.advantageEstimator == .batchNormalised)
        #expect(PolicyAlgorithm.dapo.defaultClipRange.high == 0.28)
        #expect(try PolicyAlgorithm.named("REINFORCE++") == .reinforcePlusPlus)
        #expect(throws: UnknownAlgorithmError.self) { try PolicyAlgorithm.named("ppo2") }
        let message = (try? PolicyAlgorithm.named("x")).map { "\($0)" } ?? "\(UnknownAlgorithmError(name: "x"))"
        #expect(message.contains("grpo, dapo, gspo, reinforce++, gppo, cispo, arpo, aepo"))
    }
}
