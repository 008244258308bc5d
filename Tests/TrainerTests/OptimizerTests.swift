import Foundation
import Testing
@testable import Trainer

@Suite struct OptimizerTests {
    /// Two AdamW steps (lr 0.1, betas 0.9/0.999, eps 1e-8, wd 0.01) on one
    /// decayed element (wte[0]) and one not decayed (lnf.weight[0]), worked by hand:
    ///
    /// wte[0] = 0.3, g = 0.5 then -0.5
    ///   t=1: m = 0.05, v = 0.00025, m^ = 0.5, v^ = 0.25
    ///        p = 0.3 - 0.1 * (0.5 / (0.5 + 1e-8) + 0.01 * 0.3) = 0.1997000002
    ///   t=2: m = 0.045 - 0.05 = -0.005, v = 0.00024975 + 0.00025 = 0.00049975
    ///        m^ = -0.005 / 0.19 = -0.0263157895, v^ = 0.00049975 / 0.001999 = 0.25
    ///        p = 0.1997 - 0.1 * (-0.0263157895 / 0.50000001 + 0.001997) = 0.2047634598
    /// lnf.weight[0] = 1, g = -0.25 then 0 (no decay)
    ///   t=1: p = 1 - 0.1 * (-0.25 / (0.25 + 1e-8)) = 1.099999996
    ///   t=2: m = -0.0225, v = 0.0000624375, m^ = -0.1184210526, v^ = 0.0312343672
    ///        p = 1.1 - 0.1 * (-0.1184210526 / 0.1767324736) = 1.1670058176
    @Test func adamWMatchesHandComputedSteps() throws {
        let model = try GPT(config: tinyConfig)
        let optimizer = AdamW(
            config: AdamWConfig(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01), layout: model.layout)
        let lnf = try #require(model.layout.spec(named: "lnf.weight")).offset
        model.parameters.zero()
        model.parameters[0] = 0.3
        model.parameters[lnf] = 1
        model.parameters[1] = 0.7  // zero gradient, decayed: only weight decay moves it
        model.zeroGradients()
        model.gradients[0] = 0.5
        model.gradients[lnf] = -0.25
        optimizer.update(model, learningRate: 0.1)
        #expect(abs(model.parameters[0] - 0.199_700_000_2) < 1e-6)
        #expect(abs(model.parameters[lnf] - 1.099_999_996) < 1e-6)
        #expect(abs(model.parameters[1] - 0.7 * (1 - 0.1 * 0.01)) < 1e-7)
        model.gradients[0] = -0.5
        model.gradients[lnf] = 0
        optimizer.update(model, learningRate: 0.1)
        #expect(abs(model.parameters[0] - 0.204_763_459_8) < 1e-6)
        #expect(abs(model.parameters[lnf] - 1.167_005_817_6) < 1e-6)
        #expect(optimizer.stepCount == 2)
        // everything that had no gradient and no value stays at zero
        #expect(model.parameters[lnf + 1] == 0)
    }

    @Test func gradientClippingScalesToTheGlobalNorm() {
        let gradients = FloatBuffer([3, 4, 0, 0])  // norm 5
        #expect(GradientClipping.globalNorm(gradients) == 5)
        let before = GradientClipping.clip(gradients, maxNorm: 1)
        #expect(before == 5)
        #expect(abs(GradientClipping.globalNorm(gradients) - 1) < 1e-5)
        #expect(abs(gradients[0] - 0.6) < 1e-5 && abs(gradients[1] - 0.8) < 1e-5)
        let small = FloatBuffer([0.1, 0.2])
        GradientClipping.clip(small, maxNorm: 1)
        #expect(small.array == [0.1, 0.2])
        let broken = FloatBuffer([1, .nan])
        #expect(GradientClipping.clip(broken, maxNorm: 1).isNaN)
        #expect(broken[0] == 1)
    }

    /// max 1e-3, min 1e-4, 10 warmup steps, cosine to step 110.
    @Test func learningRateScheduleValues() {
        let schedule = LRSchedule(maxLearningRate: 1e-3, minLearningRate: 1e-4, warmupSteps: 10, totalSteps: 110)
        let expected: [(Int, Float)] = [
            (0, 1e-4),  // 1e-3 * 1/10
            (4, 5e-4),  // 1e-3 * 5/10
            (9, 1e-3), (10, 1e-3),  // end of warmup, start of cosine
            (35, 1e-4 + 9e-4 * 0.853_553_4),  // ratio 1/4: 0.5 (1 + cos(pi/4))
            (60, 5.5e-4),  // ratio 1/2: halfway
            (85, 1e-4 + 9e-4 * 0.146_446_6),  // ratio 3/4
            (110, 1e-4), (500, 1e-4),
        ]
        for (step, lr) in expected {
            #expect(abs(schedule.learningRate(at: step) - lr) < 1e-9, "step \(step)")
        }
        let constant = LRSchedule(maxLearningRate: 0.5, minLearningRate: 0.5, warmupSteps: 0, totalSteps: 1)
        #expect(constant.learningRate(at: 0) == 0.5 && constant.learningRate(at: 9) == 0.5)
    }

    @Test func optimizerConfigsRejectUnknownKeysAndBadValues() throws {
        let decoded = try JSONDecoder().decode(
            LRSchedule.self, from: Data(#"{"max_lr": 0.01, "warmup_steps": 3}"#.utf8))
        #expect(decoded == LRSchedule(maxLearningRate: 0.01, warmupSteps: 3))
        #expect(throws: ConfigError.self) {
            try JSONDecoder().decode(LRSchedule.self, from: Data(#"{"max_lr": 0.01, "warmup": 3}"#.utf8))
        }
        #expect(throws: ConfigError.self) {
            try JSONDecoder().decode(LRSchedule.self, from: Data(#"{"max_lr": 0.01, "min_lr": 0.1}"#.utf8))
        }
        let adam = try JSONDecoder().decode(AdamWConfig.self, from: Data(#"{"weight_decay": 0.1}"#.utf8))
        #expect(adam == AdamWConfig(weightDecay: 0.1))
        #expect(throws: ConfigError.self) {
            try JSONDecoder().decode(AdamWConfig.self, from: Data(#"{"beta3": 0.1}"#.utf8))
        }
        #expect(throws: ConfigError.self) {
            try JSONDecoder().decode(AdamWConfig.self, from: Data(#"{"beta1": 1.0}"#.utf8))
        }
    }
}
