import Benchmarks
import Foundation
import Testing
@testable import Trainer

@Suite("Built-in model behind the agent loop")
struct BuiltinModelTests {
    /// Saves a small random model as a checkpoint and serves it.
    func servedModel() throws -> (BuiltinModel, URL) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("builtin-\(UUID().uuidString).safetensors")
        try Checkpoint.save(
            try engineModel(), tokenizer: try ByteTokenizer(),
            metadata: CheckpointMetadata(algorithm: "sft", task: "synth-arith", step: 3, seed: 1), to: url)
        return (try BuiltinModel(contentsOf: url), url)
    }

    @Test("completes like vLLM: matched stop left out, finish reason and usage reported")
    func completion() async throws {
        let (model, url) = try servedModel()
        defer {
            model.engine.shutdown()
            try? FileManager.default.removeItem(at: url)
        }
        #expect(model.metadata == CheckpointMetadata(algorithm: "sft", task: "synth-arith", step: 3, seed: 1))
        let sampling = SamplingParameters(temperature: 1, topP: 1, topK: -1, maxTokens: 30)
        let request = CompletionRequest(prompt: "Question?\n", stop: AgentTag.stopStrings, sampling: sampling, seed: 4)
        let first = try await model.complete(request)
        let again = try await model.complete(request)
        #expect(first == again)
        #expect(first.usage?.promptTokens == 11)
        let generated = try #require(first.usage?.completionTokens)
        #expect(generated >= 1 && generated <= 30)
        if let stop = first.matchedStop {
            #expect(AgentTag.stopStrings.contains(stop) && !first.text.hasSuffix(stop))
        } else {
            #expect(first.finishReason == .length || generated < 30)
        }
    }

    @Test("a prompt that fills the context ends the sample with an empty length completion")
    func promptTooLong() async throws {
        let (model, url) = try servedModel()
        defer {
            model.engine.shutdown()
            try? FileManager.default.removeItem(at: url)
        }
        let request = CompletionRequest(prompt: String(repeating: "a", count: 100), seed: 1)
        let completion = try await model.complete(request)
        #expect(completion.text.isEmpty && completion.finishReason == .length)
        let loop = AgentLoop(model: model, template: PromptTemplate.plain)
        let run = try await loop.run(question: String(repeating: "b", count: 100), system: "", seed: 0)
        #expect(run.finishReason == .length && run.modelCalls == 1)
    }

    @Test("an agent loop runs a synthetic item end to end")
    func agentLoop() async throws {
        let (model, url) = try servedModel()
        defer {
            model.engine.shutdown()
            try? FileManager.default.removeItem(at: url)
        }
        let suite = try SynthSuite(task: .hop, config: SynthSuiteConfig(trainItems: 10, testItems: 4))
        let report = try await SynthEvaluation.run(
            suite: suite, model: model, python: nil, samples: 2,
            sampling: SamplingParameters(maxTokens: 16), concurrency: 8)
        #expect(report.items == 4 && report.samples == 2 && report.correctCounts.count == 4)
        #expect(report.failures == 0)
        #expect(report.passAt1 >= 0 && report.passAt1 <= 1)
    }
}
