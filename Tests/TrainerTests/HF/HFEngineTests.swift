import Foundation
import Testing
@testable import Trainer

/// A stand-in tokenizer for HF models in engine tests: ids as decimal words.
struct WordTokenizer: EngineTokenizer {
    func encode(_ text: String, addSpecialTokens: Bool) -> [Int32] { text.split(separator: " ").compactMap { Int32($0) } }
    func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String { ids.map { " \($0)" }.joined() }
}

@Suite("Inference engine with HF models")
struct HFEngineTests {
    @Test("batched decode of several prompts equals each alone and transformers' greedy tokens")
    func batched() async throws {
        let name = "mistral"
        let expected = try HFFixtures.expected(name)
        let engine = InferenceEngine(
            model: try HFModel(directory: HFFixtures.directory(name)), tokenizer: WordTokenizer(),
            options: .init(maxBatchSize: 4))
        defer { engine.shutdown() }
        let requests = expected.prompts.map {
            EngineRequest(prompt: $0.prompt, maxTokens: $0.greedy.count, temperature: 0, stopAtEOS: false)
        }
        let together = try await generateTogether(engine, requests)
        #expect(engine.statistics.largestBatch > 1)
        let alone = InferenceEngine(
            model: try HFModel(directory: HFFixtures.directory(name)), tokenizer: WordTokenizer(),
            options: .init(maxBatchSize: 1))
        defer { alone.shutdown() }
        for (i, request) in requests.enumerated() {
            let single = try await alone.generate(request)
            #expect(together[i].tokens == expected.prompts[i].greedy)
            #expect(single.tokens == together[i].tokens)
            #expect(zip(single.logProbs, together[i].logProbs).allSatisfy { abs($0 - $1) < 1e-4 })
            #expect(together[i].text == WordTokenizer().decode(together[i].tokens))
        }
    }

    @Test("sequences sampled together on two threads draw what each draws alone")
    func sampledTogether() async throws {
        let name = "mistral"
        let expected = try HFFixtures.expected(name)
        func engine(batch: Int) throws -> InferenceEngine {
            InferenceEngine(
                model: try HFModel(directory: HFFixtures.directory(name), threads: 2), tokenizer: WordTokenizer(),
                options: .init(maxBatchSize: batch))
        }
        let requests = expected.prompts.enumerated().map { i, prompt in
            EngineRequest(
                prompt: prompt.prompt, maxTokens: 10, temperature: 1, topP: 0.9, topK: 20, seed: UInt64(i + 1),
                stopAtEOS: false, repetitionPenalty: i == 0 ? 1.3 : 1)
        }
        let together = try engine(batch: 4)
        defer { together.shutdown() }
        let outputs = try await generateTogether(together, requests)
        #expect(together.statistics.largestBatch > 1)
        let alone = try engine(batch: 1)
        defer { alone.shutdown() }
        for (i, request) in requests.enumerated() {
            let single = try await alone.generate(request)
            #expect(single.tokens == outputs[i].tokens, "prompt \(i)")
            #expect(zip(single.logProbs, outputs[i].logProbs).allSatisfy { abs($0 - $1) < 1e-5 }, "prompt \(i)")
        }
    }

    @Test("a sequence ends on any of the config's and generation_config's eos ids")
    func eos() async throws {
        let name = "llama-llama3"
        let expected = try HFFixtures.expected(name).prompts[1]
        let config = try HFFixtures.config(name)
        let weights = try HFWeights(directory: HFFixtures.directory(name))
        var defaults = HFGenerationDefaults()
        // the 4th greedy token becomes an EOS of generation_config (the first
        // not seen before, so the sequence cannot end earlier)
        let stop = expected.greedy.enumerated().first { $0.offset >= 3 && !expected.greedy[..<$0.offset].contains($0.element) }
        let index = try #require(stop?.offset)
        defaults.eosTokenIDs = [Int(expected.greedy[index])]
        let model = try HFModel(config: config, weights: weights, generationDefaults: defaults)
        #expect(model.eosTokenIDs == Set([2, 3, expected.greedy[index]]))
        let engine = InferenceEngine(model: model, tokenizer: WordTokenizer())
        defer { engine.shutdown() }
        let output = try await engine.generate(EngineRequest(prompt: expected.prompt, maxTokens: 16, temperature: 0))
        #expect(output.finishReason == .eos)
        #expect(output.tokens == Array(expected.greedy[...index]))
    }

    @Test("logprobs are transformers' log-softmax: the token's and the most likely tokens'", arguments: ["qwen2", "llama"])
    func logprobs(_ name: String) async throws {
        let engine = InferenceEngine(model: try HFModel(directory: HFFixtures.directory(name)), tokenizer: WordTokenizer())
        defer { engine.shutdown() }
        var checked = 0
        for prompt in try HFFixtures.expected(name).prompts {
            // transformers' logits after the whole prompt: the first generated token's distribution
            guard let last = prompt.logits.first(where: { $0.position == prompt.prompt.count - 1 })?.values else { continue }
            let top = Double(last.max() ?? 0)
            let logZ = top + Foundation.log(last.reduce(0) { $0 + exp(Double($1) - top) })
            let ranked = last.indices.sorted { last[$0] > last[$1] }.prefix(5)
            let output = try await engine.generate(
                EngineRequest(prompt: prompt.prompt, maxTokens: 1, temperature: 0, stopAtEOS: false, logprobs: 5))
            let report = try #require(output.tokenLogprobs.first)
            #expect(report.token == output.tokens[0] && Int(report.token) == ranked.first)
            #expect(abs(Double(report.logprob) - (Double(last[Int(report.token)]) - logZ)) < 1e-3)
            #expect(report.top.map { Int($0.token) } == Array(ranked))
            for entry in report.top { #expect(abs(Double(entry.logprob) - (Double(last[Int(entry.token)]) - logZ)) < 1e-3) }
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test("the repetition penalty divides positive logits of seen ids and multiplies negative ones, as vLLM")
    func repetitionPenalty() async throws {
        var logits: [Float] = [2, -1, 0.5, 3]
        RunningSequence.penalise(&logits, seen: [0, 1], penalty: 2)
        #expect(logits == [1, -2, 0.5, 3])
        // in the engine: a penalty below 1 favours seen ids; the first greedy
        // token is the argmax of the penalised last-position logits
        let name = "qwen2"
        let prompt = try HFFixtures.expected(name).prompts[1].prompt
        let model = try HFModel(directory: HFFixtures.directory(name))
        var last = try HFModelParityTests.promptLogits(model, prompt).last ?? []
        let argmax = { (values: [Float]) in values.indices.max { values[$0] < values[$1] } ?? -1 }
        let plainChoice = argmax(last)
        RunningSequence.penalise(&last, seen: Set(prompt), penalty: 0.02)
        let penalisedChoice = argmax(last)
        #expect(penalisedChoice != plainChoice && prompt.contains(Int32(penalisedChoice)))
        let engine = InferenceEngine(model: model, tokenizer: WordTokenizer())
        defer { engine.shutdown() }
        let output = try await engine.generate(
            EngineRequest(prompt: prompt, maxTokens: 1, temperature: 0, stopAtEOS: false, repetitionPenalty: 0.02))
        #expect(output.tokens == [Int32(penalisedChoice)])
    }

    @Test("windowed stream decoding holds back split characters and emits them whole")
    func streamDecoder() {
        // ids 0..3: "a", first half of "é", second half of "é", "b" — decoded as bytes
        struct Bytes: EngineTokenizer {
            let table: [[UInt8]] = [[0x61], [0xC3], [0xA9], [0x62]]
            func encode(_ text: String, addSpecialTokens: Bool) -> [Int32] { [] }
            func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String {
                String(decoding: ids.flatMap { table[Int($0)] }, as: UTF8.self)
            }
        }
        var decoder = Bytes().makeStreamDecoder()
        #expect(decoder.append(0) == [0x61])
        #expect(decoder.append(1) == [])
        #expect(decoder.append(2) == [0xC3, 0xA9])
        #expect(decoder.append(3) == [0x62])
    }
}
