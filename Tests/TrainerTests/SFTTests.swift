import Foundation
import Testing
@testable import Trainer

@Suite("Supervised warm start")
struct SFTTests {
    let tokenizer = try! ByteTokenizer()

    /// A small config whose context holds the arith trajectories.
    func smallConfig() -> SFTConfig {
        SFTConfig(
            model: GPTConfig(vocabSize: 512, contextLength: 192, layerCount: 1, headCount: 2, modelDimension: 16),
            batchSize: 4, maxLR: 1e-2, minLR: 1e-3, warmupSteps: 2,
            data: SynthSuiteConfig(trainItems: 40, testItems: 4))
    }

    func sequences(_ config: SFTConfig) async throws -> [SFTSequence] {
        try await SFTSequence.experts(of: try SynthSuite(task: .arith, config: config.data), tokenizer: tokenizer)
    }

    @Test("batches: left-aligned, PAD-filled, weights = mask / trained count")
    func batcher() {
        let a = SFTSequence(segments: [.init("ab", isModelOutput: false), .init("cd", isModelOutput: true)], tokenizer: tokenizer)
        #expect(a.tokens == [SpecialToken.bos.id, 97, 98, 99, 100, SpecialToken.eos.id])
        #expect(a.trained == [false, false, true, true, true])
        var batcher = SFTBatcher(sequences: [a], batchSize: 2, sequenceLength: 7, seed: 1)
        let batch = batcher.next()
        let pad = SpecialToken.pad.id
        #expect(Array(batch.inputs[0..<7]) == [SpecialToken.bos.id, 97, 98, 99, 100, pad, pad])
        #expect(Array(batch.targets[0..<7]) == [97, 98, 99, 100, SpecialToken.eos.id, pad, pad])
        let w: Float = 1.0 / 6
        let expected: [Float] = [0, 0, w, w, w, 0, 0]
        #expect(Array(batch.weights[0..<7]) == expected)
        #expect(batch.trained == 6 && batch.real == 10)
    }

    @Test("the loss falls, metrics are finite verl keys, and a seed replays exactly")
    func training() async throws {
        let config = smallConfig()
        let data = try await sequences(config)
        let trainer = try SFTTrainer(config: config, sequences: data, steps: 30, seed: 3)
        var lines: [MetricsLine] = []
        for _ in 0..<30 { lines.append(try trainer.trainStep()) }
        let keys: Set = [
            "train/loss", "train/trained_tokens", "train/epoch", "actor/lr", "actor/grad_norm", "timing_s/step",
            "perf/throughput",
        ]
        for line in lines {
            #expect(Set(line.data.keys) == keys && line.nonFiniteKeys.isEmpty)
        }
        let first = try #require(lines.first?.data["train/loss"]), last = try #require(lines.last?.data["train/loss"])
        #expect(first > 5 && last < first * 0.7, "loss \(first) -> \(last)")
        #expect(lines.map(\.step) == Array(1...30))
        let replay = try SFTTrainer(config: config, sequences: data, steps: 30, seed: 3)
        for line in lines.prefix(5) {
            let again = try replay.trainStep()
            #expect(again.data["train/loss"] == line.data["train/loss"])
            #expect(again.data["actor/grad_norm"] == line.data["actor/grad_norm"])
        }
    }

    @Test("a sequence longer than the context is refused with a clear message")
    func tooLong() async throws {
        var config = smallConfig()
        config.model.contextLength = 32
        let data = try await sequences(config)
        #expect(throws: SFTError.self) { try SFTTrainer(config: config, sequences: data, steps: 1, seed: 0) }
    }

    @Test("config JSON changes the task defaults; unknown keys are refused")
    func configJSON() throws {
        let base = SFTConfig.defaults(for: .hop)
        let changed = try SFTConfig.decode(Data(#"{"batch_size": 8, "model": {"n_layer": 2}}"#.utf8), over: base)
        #expect(changed.batchSize == 8 && changed.model.layerCount == 2)
        #expect(changed.model.contextLength == base.model.contextLength && changed.maxLR == base.maxLR)
        #expect(throws: ConfigError.self) { try SFTConfig.decode(Data(#"{"batch":8}"#.utf8), over: base) }
        #expect(throws: ConfigError.self) { try SFTConfig.decode(Data(#"{"model":{"layers":2}}"#.utf8), over: base) }
        #expect(throws: TrainingAlgorithmError.unknown(name: "ppo", valid: TrainingAlgorithm.names)) { try TrainingAlgorithm.named("ppo") }
        #expect(try TrainingAlgorithm.named("AEPO") == .rl(.aepo) && TrainingAlgorithm.names.count == 9)
    }

    @Test("metrics lines are verl file-logger JSON")
    func metricsLine() throws {
        let line = MetricsLine(step: 3, data: ["train/loss": 0.5, "actor/lr": 1e-4, "perf/throughput": 1200])
        #expect(line.json == #"{"step":3,"data":{"actor/lr":0.0001,"perf/throughput":1200,"train/loss":0.5}}"#)
        let decoded = try JSONDecoder().decode(MetricsLine.self, from: Data(line.json.utf8))
        #expect(decoded == line)
    }
}

@Suite("Warm start")
struct WarmStartTests {
    @Test("weights copy across context lengths; other shapes are refused")
    func copy() throws {
        let source = try GPT(config: GPTConfig(vocabSize: 300, contextLength: 8, layerCount: 1, headCount: 2, modelDimension: 4), seed: 1)
        let target = try GPT(config: GPTConfig(vocabSize: 300, contextLength: 4, layerCount: 1, headCount: 2, modelDimension: 4), seed: 2)
        try target.copyWeights(from: source)
        #expect(target.parameters.slice(0, 300 * 4) == source.parameters.slice(0, 300 * 4))
        #expect(target.parameters.slice(300 * 4, 4 * 4) == source.parameters.slice(300 * 4, 4 * 4))
        let other = try GPT(config: GPTConfig(vocabSize: 300, contextLength: 4, layerCount: 2, headCount: 2, modelDimension: 4))
        #expect(throws: ConfigError.self) { try other.copyWeights(from: source) }
    }
}
