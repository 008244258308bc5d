import Foundation
import Testing
@testable import Trainer

/// `logprobs`: the model's own log-probabilities (temperature 1, before any
/// penalty), measured on hand-worked logits.
@Suite("Token logprobs")
struct LogprobTests {
    @Test("log Z, the token's log-probability and the top tokens, ties by lower id")
    func measure() {
        let logits: [Float] = [1, 3, 2.5, 3, -.infinity]
        let scratch = LogprobScratch(vocabularySize: logits.count)
        // log(e + 2 e^3 + e^2.5) = 3.9337...; a masked (-inf) token adds nothing
        let logZ = Float(log(exp(1.0) + 2 * exp(3.0) + exp(2.5)))
        let measure = logits.withUnsafeBufferPointer { LogprobMeasure($0.baseAddress!, count: 5, top: 3, scratch: scratch) }
        #expect(abs(measure.logZ - logZ) < 1e-5)
        #expect(measure.top.map(\.token) == [1, 3, 2])
        #expect(measure.top.map(\.logprob).enumerated().allSatisfy { abs($1 - ([3, 3, 2.5][$0] - logZ)) < 1e-5 })
        let report = measure.report(token: 0, logit: 1)
        #expect(abs(report.logprob - (1 - logZ)) < 1e-5 && report.top == measure.top)
    }

    @Test("the most likely tokens: order, ties by id, fewer than asked, none", arguments: [
        ([Float(0), 5, 5, 7, -1], 3, [3, 1, 2]), ([2, 1], 4, [0, 1]), ([1, 2, 3], 0, []),
    ])
    func mostLikely(logits: [Float], n: Int, expected: [Int32]) {
        let measure = logits.withUnsafeBufferPointer {
            LogprobMeasure($0.baseAddress!, count: logits.count, top: n, scratch: LogprobScratch(vocabularySize: logits.count))
        }
        #expect(measure.top.map(\.token) == expected)
        #expect(measure.top.allSatisfy { abs($0.logprob - (logits[Int($0.token)] - measure.logZ)) < 1e-6 })
    }

    @Test("a sequence reports the logits before its repetition penalty, the chosen token's included")
    func beforeThePenalty() throws {
        let tokenizer = try ByteTokenizer()
        let V = 8
        // greedy; token 1 is in the prompt, so the penalty halves its logit and 2 wins
        let request = EngineRequest(prompt: [1], maxTokens: 4, temperature: 0, repetitionPenalty: 2, logprobs: 2)
        var sequence = RunningSequence(request: request, vocabularySize: V, tokenizer: tokenizer)
        var logits: [Float] = [1, 3, 2.5, 0, 0, 0, 0, 0]
        let logZ = Float(log(exp(1.0) + exp(3.0) + exp(2.5) + 5))
        _ = logits.withUnsafeMutableBufferPointer { sequence.consume($0.baseAddress!, eos: [], cachedTokens: 2, contextLength: 64) }
        let report = try #require(sequence.output.tokenLogprobs.first)
        #expect(sequence.output.tokens == [2] && report.token == 2)
        #expect(abs(report.logprob - (2.5 - logZ)) < 1e-5)
        #expect(report.top.map(\.token) == [1, 2] && abs(report.top[0].logprob - (3 - logZ)) < 1e-5)
        // the sampler's own log-probability is of the penalised logits (1.5 for token 1)
        #expect(abs(sequence.output.logProbs[0] - Float(2.5 - log(exp(1.0) + exp(1.5) + exp(2.5) + 5))) < 1e-5)
        // the penalised token chosen next: its report has its logit before the penalty
        logits = [0, 3, 0, 0, 0, 0, 0, 0]
        _ = logits.withUnsafeMutableBufferPointer { sequence.consume($0.baseAddress!, eos: [], cachedTokens: 3, contextLength: 64) }
        #expect(sequence.output.tokens == [2, 1])
        #expect(abs(sequence.output.tokenLogprobs[1].logprob - Float(3 - log(exp(3.0) + 7))) < 1e-5)
        #expect(sequence.unreportedLogprobs().count == 2 && sequence.unreportedLogprobs().isEmpty)
    }

    @Test("logit_bias moves the choice; the report keeps the model's own logit")
    func biased() throws {
        let request = EngineRequest(prompt: [1], temperature: 0, logprobs: 1)
        var biased = request
        biased.logitBias = [0: 5]
        var sequence = RunningSequence(request: biased, vocabularySize: 4, tokenizer: try ByteTokenizer())
        var logits: [Float] = [1, 3, 2.5, 0]
        let logZ = Float(log(exp(1.0) + exp(3.0) + exp(2.5) + 1))
        _ = logits.withUnsafeMutableBufferPointer { sequence.consume($0.baseAddress!, eos: [], cachedTokens: 2, contextLength: 64) }
        #expect(sequence.output.tokens == [0])
        let report = try #require(sequence.output.tokenLogprobs.first)
        #expect(abs(report.logprob - (1 - logZ)) < 1e-5 && report.top.map(\.token) == [1])
        #expect(throws: EngineError.self) {
            var outside = request
            outside.logitBias = [4: 1]
            try outside.validate(contextLength: 64, vocabSize: 4)
        }
        #expect(throws: EngineError.self) {
            var tooLarge = request
            tooLarge.logitBias = [2: 101]
            try tooLarge.validate(contextLength: 64, vocabSize: 4)
        }
    }

    @Test("without logprobs a sequence reports none")
    func offByDefault() throws {
        var sequence = RunningSequence(request: EngineRequest(prompt: [1], temperature: 0), vocabularySize: 4, tokenizer: try ByteTokenizer())
        var logits: [Float] = [0, 1, 2, 3]
        _ = logits.withUnsafeMutableBufferPointer { sequence.consume($0.baseAddress!, eos: [], cachedTokens: 2, contextLength: 64) }
        #expect(sequence.output.tokens == [3] && sequence.output.tokenLogprobs.isEmpty)
    }

    @Test("JSON has no infinity: an impossible token's log-probability is sent as -9999")
    func infinity() {
        #expect(OpenAILogprobs.number(-.infinity) == -9999 && OpenAILogprobs.number(.nan) == -9999)
        #expect(OpenAILogprobs.number(-0.5) == -0.5)
    }
}
