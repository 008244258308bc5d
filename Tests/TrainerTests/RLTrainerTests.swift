import Benchmarks
import Foundation
import Testing

@testable import Trainer

/// A python runner that prints the number of characters of the program.
private struct CountingPython: PythonRunner {
    func run(_ code: String) async throws -> PythonResult {
        PythonResult(output: "\(code.count)", exitStatus: 0)
    }
}

/// The keys AEPO.md section 5 requires in every event.
let requiredRLKeys = [
    "critic/score/mean", "critic/advantages/mean", "actor/pg_loss", "actor/entropy", "actor/pg_clipfrac",
    "actor/pg_clipfrac_lower", "actor/ppo_kl", "actor/grad_norm", "actor/lr", "response_length/mean",
    "num_turns/mean", "tool_call_counts/mean", "timing_s/step", "perf/throughput", "rollout/global_samples",
    "rollout/branch_samples", "rollout/branch_penalty_hits", "rollout/h_root", "rollout/h_tool_avg",
]

@Suite("RL trainer")
struct RLTrainerTests {
    private static func tinyTrainer(_ algorithm: PolicyAlgorithm, seed: UInt64 = 3) throws -> RLTrainer {
        var config = RLConfig()
        config.promptsPerStep = 2
        config.rollout.groupSize = 4
        config.rollout.arpoGlobalSamples = 2
        config.maxTokensPerCall = 10
        config.miniBatches = 2
        config.learningRate = 1e-2
        config.data = SynthSuiteConfig(trainItems: 16, testItems: 2)
        let model = try GPT(
            config: GPTConfig(vocabSize: 512, contextLength: 64, layerCount: 1, headCount: 2, modelDimension: 16),
            seed: 1)
        let suite = try SynthSuite(task: .arith, config: config.data)
        return try RLTrainer(
            config: config, algorithm: algorithm, model: model, suite: suite, python: CountingPython(), seed: seed)
    }

    @Test("every algorithm runs a step and logs every key of AEPO.md section 5 as a finite number", arguments: PolicyAlgorithm.allCases)
    func everyAlgorithmLogsTheKeys(_ algorithm: PolicyAlgorithm) async throws {
        let trainer = try Self.tinyTrainer(algorithm)
        let line = try await trainer.trainStep()
        #expect(line.step == 1)
        for key in requiredRLKeys { #expect(line.data[key] != nil, "\(key) missing") }
        #expect(line.nonFiniteKeys.isEmpty)
        #expect(line.data["rollout/global_samples"]! + line.data["rollout/branch_samples"]! == 4)
    }

    @Test("the same seed and config give the same metrics and weights")
    func deterministic() async throws {
        let a = try Self.tinyTrainer(.aepo), b = try Self.tinyTrainer(.aepo)
        for _ in 0..<2 {
            let x = try await a.trainStep(), y = try await b.trainStep()
            let stable = { (line: MetricsLine) in line.data.filter { !$0.key.hasPrefix("timing_s/") && $0.key != "perf/throughput" } }
            #expect(stable(x) == stable(y))
        }
        let sameWeights = a.model.parameters.array == b.model.parameters.array
        #expect(sameWeights)
        let c = try Self.tinyTrainer(.aepo, seed: 4), d = try Self.tinyTrainer(.aepo, seed: 3)
        let x = try await c.trainStep(), y = try await d.trainStep()
        #expect(x.data["response_length/mean"] != y.data["response_length/mean"])
    }

    @Test("an update raises the log-probability of positive-advantage tokens and lowers negative ones")
    func updateDirection() throws {
        for sign in [1.0, -1.0] {
            let trainer = try Self.tinyTrainer(.grpo)
            let sequence = PolicySequence(
                prompt: "What is 2 + 2?\n",
                segments: [.init(source: .model, text: "<answer>\\boxed{4}</answer>", statistics: nil)],
                tokenizer: trainer.tokenizer, contextLength: 64)
            let layout = TokenLayout(sequences: [sequence, sequence], keep: [true, true])
            let old = try trainer.evaluatePolicy(layout, rows: [0, 1])
            let advantages = layout.mask.map { $0.map { $0 ? sign : 0 } }
            var rng = Xoshiro256(seed: 0)
            let update = try trainer.optimise(layout, oldLogProbs: old.logProbs, advantages: advantages, rng: &rng)
            #expect(update.updates == 2)
            let new = try trainer.evaluatePolicy(layout, rows: [0, 1])
            let before = zip(old.logProbs[0], layout.mask[0]).filter(\.1).reduce(0.0) { $0 + $1.0 }
            let after = zip(new.logProbs[0], layout.mask[0]).filter(\.1).reduce(0.0) { $0 + $1.0 }
            #expect(sign > 0 ? after > before : after < before, "sign \(sign): \(before) -> \(after)")
        }
    }

    @Test("a rollout becomes BOS + prompt + trajectory, with a loss only on what the model wrote")
    func policySequence() throws {
        let tokenizer = try ByteTokenizer(vocabSize: 512)
        let segments: [AgentPath.Segment] = [
            .init(source: .model, text: "<python>print(1)</python>", statistics: nil),
            .init(source: .tool, text: "\n<result>\n1\n</result>\n", statistics: nil),
            .init(source: .model, text: "<answer>\\boxed{1}</answer>", statistics: nil),
        ]
        let sequence = PolicySequence(prompt: "Q?\n", segments: segments, tokenizer: tokenizer, contextLength: 256)
        #expect(sequence.tokens.first == SpecialToken.bos.id)
        #expect(tokenizer.decode(sequence.tokens) == "Q?\n" + segments.map(\.text).joined())
        let written = zip(sequence.tokens, sequence.modelWritten).filter(\.1).map(\.0)
        #expect(tokenizer.decode(written) == "<python>print(1)</python><answer>\\boxed{1}</answer>")
        #expect(sequence.responseLength == written.count)
        let layout = TokenLayout(sequences: [sequence], keep: [true])
        #expect(layout.T % 16 == 0 && layout.T >= sequence.tokens.count - 1)
        #expect(layout.mask[0].count { $0 } == written.count)
        #expect(TokenLayout(sequences: [sequence], keep: [false]).validTokens == 0)
        let cut = PolicySequence(prompt: "Q?\n", segments: segments, tokenizer: tokenizer, contextLength: 8)
        #expect(cut.tokens.count == 9)
    }

    @Test("RL configs reject unknown keys and take the algorithm's clip defaults")
    func config() throws {
        let base = RLConfig.defaults(for: .hop)
        #expect(base.warmStart.model.contextLength == 576)
        #expect(throws: (any Error).self) { try RLConfig.decode(Data(#"{"rollout":{"beam":3}}"#.utf8), over: base) }
        #expect(throws: (any Error).self) { try RLConfig.decode(Data(#"{"lr":-1}"#.utf8), over: base) }
        let changed = try RLConfig.decode(Data(#"{"rollout":{"group_size":4},"clip_ratio_high":0.3}"#.utf8), over: base)
        #expect(changed.rollout.groupSize == 4 && changed.rollout.beamSize == 2)
        #expect(changed.clip(for: .dapo).high == 0.3 && changed.clip(for: .dapo).low == 0.2)
        #expect(base.clip(for: .dapo).high == 0.28)
        #expect(base.usesEntropyAdvantage(.aepo) && !base.usesEntropyAdvantage(.arpo))
    }
}
