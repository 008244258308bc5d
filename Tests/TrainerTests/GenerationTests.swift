import Foundation
import Testing
@testable import Trainer

@Suite struct GenerationTests {
    let config = GPTConfig(vocabSize: 300, contextLength: 24, layerCount: 2, headCount: 2, modelDimension: 16)

    /// A model whose output always strongly prefers `token`: final LayerNorm
    /// gain 0 and bias e0 * 20 make the hidden state constant, and only
    /// `wte[token]` has a component along e0.
    func biasedModel(toward token: Int32) throws -> GPT {
        let model = try GPT(config: config, seed: 9)
        let C = config.modelDimension
        model.params.wte.update(repeating: 0, count: config.vocabSize * C)
        model.params.lnfWeight.update(repeating: 0, count: C)
        model.params.lnfBias.update(repeating: 0, count: C)
        model.params.lnfBias[0] = 20
        model.params.wte[Int(token) * C] = 1
        return model
    }

    @Test func kvCacheLogitsEqualFullRecompute() throws {
        let model = try GPT(config: config, seed: 1)
        for i in 0..<model.parameters.count { model.parameters[i] *= 5 }
        let V = config.vocabSize
        // three sequences with different prompt lengths, then chunks and single tokens
        let steps: [[[Int32]]] = [
            [randomTokens(5, vocab: V, seed: 1), randomTokens(1, vocab: V, seed: 2), randomTokens(9, vocab: V, seed: 3)],
            [[7], [8], []],
            [randomTokens(3, vocab: V, seed: 4), [9], [10]],
            [[11], [], [12]],
        ]
        let cache = KVCache(config: config, batchSize: 3)
        var sequences: [[Int32]] = [[], [], []]
        for step in steps {
            try model.decode(step, cache: cache)
            for b in 0..<3 where !step[b].isEmpty {
                sequences[b] += step[b]
                let T = sequences[b].count
                try model.forward(tokens: sequences[b], B: 1, T: T)
                let full = try #require(model.activations).logits + (T - 1) * V
                let cached = cache.logits(sequence: b)
                let worst = (0..<V).map { abs(cached[$0] - full[$0]) }.max() ?? 0
                #expect(worst < 1e-4, "sequence \(b) at length \(T): max difference \(worst)")
            }
        }
        #expect(cache.lengths == sequences.map(\.count))
    }

    @Test func generationIsDeterministicForASeed() throws {
        let model = try GPT(config: config, seed: 2)
        let generator = Generator(model: model, tokenizer: try ByteTokenizer(vocabSize: config.vocabSize))
        let prompts: [[Int32]] = [[256, 104, 105], [256], [256, 1, 2, 3, 4, 5, 6]]
        let settings = GenerationConfig(maxNewTokens: 12, temperature: 1.0, topP: 0.95, topK: 50, seed: 7)
        let first = try generator.generate(prompts: prompts, config: settings)
        let second = try generator.generate(prompts: prompts, config: settings)
        #expect(first == second)
        #expect(first.allSatisfy { $0.tokens.count == $0.logProbs.count && $0.tokens.count == $0.entropies.count })
        var other = settings
        other.seed = 8
        #expect(try generator.generate(prompts: prompts, config: other).map(\.tokens) != first.map(\.tokens))
        // a sequence's sample does not depend on the other sequences in the batch
        let alone = try generator.generate(prompts: [prompts[0]], config: settings)
        #expect(alone[0].tokens == first[0].tokens)
    }

    @Test func sampledLogProbAndEntropyMatchTheFullSoftmax() throws {
        let model = try GPT(config: config, seed: 3)
        for i in 0..<model.parameters.count { model.parameters[i] *= 10 }
        let generator = Generator(model: model, tokenizer: try ByteTokenizer(vocabSize: config.vocabSize))
        let prompt: [Int32] = [256, 40, 41]
        let temperature: Float = 0.7
        let result = try generator.generate(
            prompts: [prompt], config: GenerationConfig(maxNewTokens: 6, temperature: temperature, topK: 5, seed: 1))[0]
        // recompute every generated token's log-prob and entropy with the training forward pass
        let sequence = prompt + result.tokens
        let T = sequence.count - 1
        try model.forward(tokens: Array(sequence[0..<T]), targets: Array(sequence[1...]), B: 1, T: T, temperature: temperature)
        let logprobs = model.tokenLogProbs.suffix(result.tokens.count)
        let entropies = model.tokenEntropies.suffix(result.tokens.count).map { $0 / log(Float(config.vocabSize)) }
        for (i, (a, b)) in zip(result.logProbs, logprobs).enumerated() { #expect(abs(a - b) < 1e-4, "token \(i)") }
        for (i, (a, b)) in zip(result.entropies, entropies).enumerated() { #expect(abs(a - b) < 1e-4, "token \(i)") }
    }

    @Test func uniformDistributionHasNormalisedEntropyOne() throws {
        let model = try GPT(config: config, seed: 4)
        model.params.wte.update(repeating: 0, count: config.vocabSize * config.modelDimension)  // all logits 0
        let generator = Generator(model: model, tokenizer: try ByteTokenizer(vocabSize: config.vocabSize))
        let result = try generator.generate(
            prompts: [[256]], config: GenerationConfig(maxNewTokens: 5, temperature: 1.3, stopAtEOS: false))[0]
        for entropy in result.entropies { #expect(abs(entropy - 1) < 1e-5) }
        for logProb in result.logProbs { #expect(abs(logProb + log(Float(config.vocabSize))) < 1e-4) }
    }

    @Test func greedyEqualsTopKOne() throws {
        let model = try GPT(config: config, seed: 5)
        for i in 0..<model.parameters.count { model.parameters[i] *= 10 }
        let generator = Generator(model: model, tokenizer: try ByteTokenizer(vocabSize: config.vocabSize))
        let greedy = try generator.generate(prompts: [[256, 50]], config: GenerationConfig(maxNewTokens: 8, temperature: 0))
        let topOne = try generator.generate(
            prompts: [[256, 50]], config: GenerationConfig(maxNewTokens: 8, temperature: 0.9, topK: 1, seed: 3))
        #expect(greedy[0].tokens == topOne[0].tokens)
    }

    @Test func stopStringsEOSAndLength() throws {
        let tokenizer = try ByteTokenizer(vocabSize: config.vocabSize)
        let tagModel = Generator(model: try biasedModel(toward: SpecialToken.searchClose.id), tokenizer: tokenizer)
        let stopped = try tagModel.generate(
            texts: ["q"], config: GenerationConfig(maxNewTokens: 10, stop: ["</answer>", "</search>"]))[0]
        #expect(stopped.finishReason == .stop && stopped.matchedStop == "</search>")
        #expect(stopped.text == "</search>" && stopped.tokens == [SpecialToken.searchClose.id])

        let letterModel = Generator(model: try biasedModel(toward: 97), tokenizer: tokenizer)  // "a"
        let cut = try letterModel.generate(texts: ["q"], config: GenerationConfig(maxNewTokens: 10, stop: ["aaa"]))[0]
        #expect(cut.finishReason == .stop && cut.text == "aaa" && cut.tokens.count == 3)
        let long = try letterModel.generate(texts: ["q"], config: GenerationConfig(maxNewTokens: 4))[0]
        #expect(long.finishReason == .length && long.text == "aaaa")
        let context = try letterModel.generate(
            prompts: [[Int32](repeating: 97, count: 20)], config: GenerationConfig(maxNewTokens: 100))[0]
        #expect(context.finishReason == .length && context.tokens.count == 5)  // 20 + 4 fed + 1 sampled at the end

        let eosModel = Generator(model: try biasedModel(toward: SpecialToken.eos.id), tokenizer: tokenizer)
        let ended = try eosModel.generate(texts: ["q"], config: GenerationConfig(maxNewTokens: 10))[0]
        #expect(ended.finishReason == .eos && ended.text.isEmpty && ended.tokens == [SpecialToken.eos.id])
    }

    @Test func stopMatcherFindsTheEarliestMatchAcrossTokens() {
        var matcher = StopMatcher(stops: ["</search>", "ab"])
        #expect(matcher.append(Array("xx</sea".utf8)) == nil)
        #expect(matcher.append(Array("rch>ab".utf8)) == "</search>")
        #expect(matcher.text == "xx</search>")
        var both = StopMatcher(stops: ["zzz", "yz"])
        #expect(both.append(Array("xyzzz".utf8)) == "yz")
        #expect(both.text == "xyz")
    }

    @Test func generationRefusesBadRequests() throws {
        let generator = Generator(model: try GPT(config: config), tokenizer: try ByteTokenizer(vocabSize: config.vocabSize))
        #expect(throws: GenerationError.emptyPrompt(index: 1)) {
            try generator.generate(prompts: [[1], []], config: GenerationConfig())
        }
        #expect(throws: GenerationError.model(.sequenceTooLong(length: 30, contextLength: 24))) {
            try generator.generate(prompts: [[Int32](repeating: 1, count: 30)], config: GenerationConfig())
        }
        #expect(throws: GenerationError.self) {
            try generator.generate(prompts: [[1]], config: GenerationConfig(topP: 0))
        }
        #expect(throws: GenerationError.model(.tokenOutOfRange(what: "tokens of sequence 0", index: 0, token: 300, vocabSize: 300))) {
            try generator.generate(prompts: [[300]], config: GenerationConfig())
        }
    }
}
