import Foundation
import Testing

@testable import Trainer

@Suite("Advantage estimators")
struct AdvantageTests {
    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 }

    @Test func groupNormalisedUsesEachGroupsMeanAndUnbiasedStd() {
        // Group 0: rewards 1, 0, 0, 1 -> mean 0.5, unbiased std sqrt(1/3).
        // Group 1: 0.2, 0.2 -> std 0 -> advantages 0 (eps keeps it finite).
        let advantages = Advantages.groupNormalised(rewards: [1, 0, 0, 1, 0.2, 0.2], groups: [0, 0, 0, 0, 1, 1])
        let std = (1.0 / 3).squareRoot()
        #expect(Self.close(advantages[0], 0.5 / (std + 1e-6)))
        #expect(Self.close(advantages[1], -0.5 / (std + 1e-6)))
        #expect(advantages[4] == 0 && advantages[5] == 0)
    }

    @Test func singletonGroupsGetZero() {
        #expect(Advantages.groupNormalised(rewards: [1, 0], groups: [0, 1]) == [0, 0])
    }

    @Test func dapoKeepsOnlyGroupsWithDifferentRewards() {
        let kept = Advantages.informativeGroups(rewards: [1, 1, 0, 1, -1, -1], groups: [0, 0, 1, 1, 2, 2])
        #expect(kept == [1])
    }

    @Test func batchWhiteningOverValidTokens() {
        // Tokens of rewards 1, 1, 0, (masked 5) -> mean 2/3, biased std sqrt(2/9).
        let advantages = Advantages.batchNormalised(tokenRewards: [1, 1, 0, 5], mask: [true, true, true, false])
        let std = (2.0 / 9).squareRoot()
        #expect(Self.close(advantages[0], (1 - 2.0 / 3) / (std + 1e-6)))
        #expect(Self.close(advantages[2], (0 - 2.0 / 3) / (std + 1e-6)))
        #expect(advantages[3] == 0)
    }

    @Test func entropyAwareWeightsUncertainTokens() {
        // Entropies 0.2, 0.4, 0.6 -> mean 0.4, biased std sqrt(0.08/3); a = 0.2.
        let std = (0.08 / 3).squareRoot()
        let weighted = Advantages.entropyAware(
            advantages: [1, 1, -1], entropies: [0.2, 0.4, 0.6], mask: [true, true, true], weight: 0.2)
        #expect(Self.close(weighted[0], 1 * (1 + 0.2 * (-0.2) / (std + 1e-6))))
        #expect(Self.close(weighted[1], 1))
        #expect(Self.close(weighted[2], -1 * (1 + 0.2 * 0.2 / (std + 1e-6))))
    }
}
