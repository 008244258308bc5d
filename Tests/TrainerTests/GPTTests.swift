import Foundation
import Testing
@testable import Trainer

@Suite struct GPTTests {
    /// Every parameter tensor of a tiny model against central differences, for
    /// the weighted cross-entropy (with a masked token) and for an arbitrary
    /// per-token dlogprob at temperature 0.8.
    @Test(arguments: [false, true])
    func wholeModelGradientMatchesFiniteDifferences(arbitraryDLogProb: Bool) throws {
        let model = try GPT(config: tinyConfig, seed: 3)
        // larger-than-default weights so every path carries signal
        for i in 0..<model.parameters.count { model.parameters[i] *= 4 }
        let B = 2, T = 5, V = tinyConfig.vocabSize
        let tokens = randomTokens(B * T, vocab: V, seed: 4), targets = randomTokens(B * T, vocab: V, seed: 5)
        var rng = Xoshiro256(seed: 6)
        var weights = (0..<(B * T)).map { _ in rng.nextFloat() * 2 - 0.5 }
        weights[3] = 0
        let temperature: Float = arbitraryDLogProb ? 0.8 : 1
        func loss() -> Double {
            do {
                try model.forward(tokens: tokens, targets: targets, B: B, T: T, temperature: temperature)
            } catch {
                Issue.record("forward failed: \(error)")
            }
            let logprobs = model.tokenLogProbs
            return arbitraryDLogProb
                ? zip(weights, logprobs).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                : -zip(weights, logprobs).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        let lossValue = loss()
        if !arbitraryDLogProb { #expect(abs(Double(try model.crossEntropy(weights: weights)) - lossValue) < 1e-5) }
        model.zeroGradients()
        if arbitraryDLogProb {
            try model.backward(dlogprob: weights)
        } else {
            try model.backward(crossEntropyWeights: weights)
        }
        let analytic = FloatBuffer(model.gradients.array)
        var rngIndex = Xoshiro256(seed: 7)
        for spec in model.layout.specs {
            // every element of small tensors, 12 random ones of the larger ones
            let indices = spec.count <= 16
                ? Array(spec.offset..<(spec.offset + spec.count))
                : (0..<12).map { _ in spec.offset + Int(rngIndex.next() % UInt64(spec.count)) }
            checkGradient(spec.name, input: model.parameters, analytic: analytic, indices: indices, eps: 1e-2,
                          loss: loss)
        }
    }

    @Test func tinyModelOverfitsOneBatch() throws {
        let config = GPTConfig(vocabSize: 32, contextLength: 16, layerCount: 2, headCount: 2, modelDimension: 32)
        let model = try GPT(config: config, seed: 1)
        let optimizer = AdamW(config: AdamWConfig(weightDecay: 0), layout: model.layout)
        let B = 2, T = 16
        let sequence = randomTokens(B * (T + 1), vocab: config.vocabSize, seed: 2)
        var tokens: [Int32] = [], targets: [Int32] = []
        for b in 0..<B {
            tokens += sequence[(b * (T + 1))..<(b * (T + 1) + T)]
            targets += sequence[(b * (T + 1) + 1)..<((b + 1) * (T + 1))]
        }
        let schedule = LRSchedule(maxLearningRate: 1e-2, minLearningRate: 1e-3, warmupSteps: 5, totalSteps: 150)
        var first: Float = 0, last: Float = 0
        for step in 0..<150 {
            last = try model.loss(tokens: tokens, targets: targets, B: B, T: T)
            if step == 0 { first = last }
            model.zeroGradients()
            try model.backward()
            GradientClipping.clip(model.gradients, maxNorm: 1)
            optimizer.update(model, learningRate: schedule.learningRate(at: step))
        }
        #expect(first > 3, "initial loss \(first) should be near log(32) = 3.47")
        #expect(last < 0.05, "loss after 150 steps: \(last)")
    }

    @Test func forwardRefusesBadInput() throws {
        let model = try GPT(config: tinyConfig)
        #expect(throws: GPTError.sequenceTooLong(length: 7, contextLength: 6)) {
            try model.forward(tokens: [Int32](repeating: 0, count: 7), B: 1, T: 7)
        }
        #expect(throws: GPTError.tokenOutOfRange(what: "tokens", index: 1, token: 11, vocabSize: 11)) {
            try model.forward(tokens: [0, 11], B: 1, T: 2)
        }
        #expect(throws: GPTError.countMismatch(what: "tokens", expected: 4, got: 3)) {
            try model.forward(tokens: [0, 1, 2], B: 2, T: 2)
        }
        #expect(throws: GPTError.noForwardPass) { try model.backward() }
        try model.forward(tokens: [1, 2], targets: [2, 3], B: 1, T: 2)
        #expect(throws: GPTError.countMismatch(what: "dlogprob", expected: 2, got: 1)) {
            try model.backward(dlogprob: [1])
        }
    }

    @Test func configDecodesDefaultsAndRejectsUnknownKeys() throws {
        let decoded = try JSONDecoder().decode(GPTConfig.self, from: Data(#"{"n_layer": 2}"#.utf8))
        #expect(decoded == GPTConfig(layerCount: 2))
        #expect(GPTConfig.reference == GPTConfig(
            vocabSize: 512, contextLength: 256, layerCount: 4, headCount: 4, modelDimension: 256))
        let roundTrip = try JSONDecoder().decode(GPTConfig.self, from: JSONEncoder().encode(tinyConfig))
        #expect(roundTrip == tinyConfig)
        #expect(throws: ConfigError.self) {
            try JSONDecoder().decode(GPTConfig.self, from: Data(#"{"n_layers": 2}"#.utf8))
        }
        #expect(throws: ConfigError.invalid("d_model (10) must be divisible by n_head (4)")) {
            try JSONDecoder().decode(GPTConfig.self, from: Data(#"{"d_model": 10}"#.utf8))
        }
        let reference = try GPT(config: .reference)
        #expect(reference.parameterCount == 512 * 256 + 256 * 256 + 4 * (12 * 256 * 256 + 13 * 256) + 2 * 256)
    }

    @Test func parameterLayoutIsContiguousAndNamed() {
        let layout = ParameterLayout(config: tinyConfig)
        var offset = 0
        for spec in layout.specs {
            #expect(spec.offset == offset)
            offset += spec.count
        }
        #expect(offset == layout.count)
        #expect(layout.spec(named: "h.1.attn.qkv.weight")?.shape == [24, 8])
        #expect(layout.spec(named: "h.0.ln1.bias")?.decay == false)
        #expect(layout.spec(named: "wte")?.decay == true)
        #expect(layout.specs.first?.name == "wte" && layout.specs.last?.name == "lnf.bias")
    }
}
