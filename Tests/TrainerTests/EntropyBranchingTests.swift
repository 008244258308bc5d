import Foundation
import Testing

@testable import Trainer

@Suite("Entropy-based branching rules")
struct EntropyBranchingTests {
    @Test func globalBudgetFollowsTheEntropyGap() {
        // Equal entropies: sigmoid(0) = 0.5 -> floor(8 * 0.5) + 1 = 5.
        #expect(EntropyBranching.globalSamples(groupSize: 8, rootEntropy: 0.3, toolEntropy: 0.3, beta: 0.5) == 5)
        // H_root - H_tool = 4: sigmoid(2) = 0.8808 -> floor(7.05) + 1 = 8.
        #expect(EntropyBranching.globalSamples(groupSize: 8, rootEntropy: 5, toolEntropy: 1, beta: 0.5) == 8)
        // H_root - H_tool = -4: sigmoid(-2) = 0.1192 -> floor(0.95) + 1 = 1.
        #expect(EntropyBranching.globalSamples(groupSize: 8, rootEntropy: 1, toolEntropy: 5, beta: 0.5) == 1)
        // Never above k.
        #expect(EntropyBranching.globalSamples(groupSize: 2, rootEntropy: 50, toolEntropy: 0, beta: 0.5) == 2)
    }

    @Test func aepoProbabilityIsPenalisedByConsecutiveBranches() {
        // (0.4 + 0.2 * 1.0) * (1 - 0.05 * 2) = 0.6 * 0.9 = 0.54
        let p = EntropyBranching.aepoProbability(alpha: 0.4, entropyChange: 1.0, gamma: 0.2, consecutiveBranches: 2, slope: 0.05)
        #expect(abs(p - 0.54) < 1e-12)
        #expect(EntropyBranching.shouldBranch(probability: p, threshold: 0.5))
        // Three more consecutive branches: 0.6 * 0.75 = 0.45 -> no branch.
        let later = EntropyBranching.aepoProbability(alpha: 0.4, entropyChange: 1.0, gamma: 0.2, consecutiveBranches: 5, slope: 0.05)
        #expect(abs(later - 0.45) < 1e-12)
        #expect(!EntropyBranching.shouldBranch(probability: later, threshold: 0.5))
        #expect(EntropyBranching.aepoProbability(alpha: 0.9, entropyChange: 5, gamma: 0.2, consecutiveBranches: 0, slope: 0.05) == 1)
        #expect(EntropyBranching.aepoProbability(alpha: 0.1, entropyChange: -5, gamma: 0.2, consecutiveBranches: 0, slope: 0.05) == 0)
    }

    @Test func arpoProbabilityHasNoPenalty() {
        #expect(abs(EntropyBranching.arpoProbability(alpha: 0.4, entropyChange: 1.0, beta: 0.2) - 0.6) < 1e-12)
    }

    @Test func configDefaultsAndStrictKeys() throws {
        let config = try JSONDecoder().decode(RolloutConfig.self, from: Data(#"{"group_size": 4}"#.utf8))
        #expect(config.groupSize == 4)
        #expect(config.budgetBeta == 0.5 && config.entropyWeight == 0.2 && config.penaltySlope == 0.05)
        #expect(config.branchThreshold == 0.5 && config.beamSize == 2)
        #expect(throws: ConfigError.self) {
            try JSONDecoder().decode(RolloutConfig.self, from: Data(#"{"group_sise": 4}"#.utf8))
        }
    }
}
