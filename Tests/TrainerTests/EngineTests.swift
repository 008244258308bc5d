import Benchmarks
import Foundation
import Testing
@testable import Trainer

/// A small model with the byte tokenizer's vocabulary, fast in debug builds.
let engineConfig = GPTConfig(vocabSize: 512, contextLength: 64, layerCount: 2, headCount: 2, modelDimension: 16)

func engineModel(seed: UInt64 = 5) throws -> GPT {
    try GPT(config: engineConfig, seed: seed)
}

/// Polls `condition` until it holds or `seconds` pass (a loaded machine
/// may take long; the test's own expectation then says what failed).
func waitUntil(seconds: Int = 120, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
}

@Suite("Inference engine")
struct EngineTests {
    let tokenizer = try! ByteTokenizer()

    func prompt(_ text: String) -> [Int32] { tokenizer.encode(text, addBOS: true) }

    @Test("a request gives what the Generator gives for its seed")
    func matchesGenerator() async throws {
        let engine = InferenceEngine(model: try engineModel(), tokenizer: tokenizer)
        defer { engine.shutdown() }
        let request = EngineRequest(prompt: prompt("What is 2+2?\n"), maxTokens: 20, temperature: 0.8, topP: 0.9, topK: 50, seed: 42)
        let output = try await engine.generate(request)
        let reference = try Generator(model: try engineModel(), tokenizer: tokenizer).generate(
            prompts: [request.prompt],
            config: GenerationConfig(maxNewTokens: 20, temperature: 0.8, topP: 0.9, topK: 50, seed: 42))[0]
        #expect(output.tokens == reference.tokens)
        #expect(output.logProbs == reference.logProbs)
        #expect(output.entropies == reference.entropies)
        #expect(output.promptTokens == request.prompt.count)
    }

    @Test("outputs do not depend on what a request is batched with")
    func batchIndependence() async throws {
        let requests = (0..<12).map { i in
            EngineRequest(
                prompt: prompt("prompt number \(i) " + String(repeating: "x", count: i * 3)), maxTokens: 10 + i,
                temperature: i % 3 == 0 ? 0 : 0.7, topP: i % 2 == 0 ? 1 : 0.9, topK: i % 4, seed: UInt64(100 + i))
        }
        let alone = InferenceEngine(model: try engineModel(), tokenizer: tokenizer, options: .init(maxBatchSize: 1))
        var solo: [EngineOutput] = []
        for request in requests { solo.append(try await alone.generate(request)) }
        alone.shutdown()
        let batched = InferenceEngine(model: try engineModel(), tokenizer: tokenizer, options: .init(maxBatchSize: 5))
        defer { batched.shutdown() }
        let together = try await generateTogether(batched, requests)
        // Each request samples from its own stream, so batching leaves its tokens alone;
        // OpenBLAS rounds a row differently by its place in the batch, so the
        // log-probabilities agree to float rounding, not bit for bit.
        for (a, b) in zip(together, solo) {
            #expect(a.tokens == b.tokens && a.text == b.text && a.finishReason == b.finishReason)
            #expect(zip(a.logProbs, b.logProbs).allSatisfy { abs($0 - $1) < 1e-4 })
        }
        // an answered request is counted at the end of its step, just after its caller resumes
        try await waitUntil { batched.pendingRequests == 0 }
        let stats = batched.statistics
        #expect(stats.completed == requests.count)
        #expect(stats.largestBatch > 1 && stats.largestBatch <= 5)
    }

    @Test("the stop string ends generation and is left out of the text")
    func stopStrings() async throws {
        let engine = InferenceEngine(model: try engineModel(), tokenizer: tokenizer)
        defer { engine.shutdown() }
        var request = EngineRequest(prompt: prompt("Hello"), maxTokens: 40, temperature: 1, seed: 9, stopAtEOS: false)
        let free = try await engine.generate(request)
        #expect(free.finishReason == .length && free.tokens.count == 40)
        // the first printable ASCII byte not generated before it becomes the stop string
        var seen: Set<Int32> = []
        let index = try #require(free.tokens.indices.first { i in
            let token = free.tokens[i]
            defer { seen.insert(token) }
            return (48...122).contains(token) && !seen.contains(token)
        })
        let stop = String(UnicodeScalar(UInt8(free.tokens[index])))
        request.stop = ["never-generated", stop]
        let stopped = try await engine.generate(request)
        #expect(stopped.finishReason == .stop && stopped.matchedStop == stop)
        #expect(stopped.tokens == Array(free.tokens[...index]))
        #expect(stopped.text == tokenizer.decode(free.tokens[..<index]))
    }

    @Test("bad requests are refused; the context caps generation")
    func limits() async throws {
        let engine = InferenceEngine(model: try engineModel(), tokenizer: tokenizer)
        defer { engine.shutdown() }
        await #expect(throws: EngineError.promptTooLong(tokens: 64, contextLength: 64)) {
            try await engine.generate(EngineRequest(prompt: [Int32](repeating: 65, count: 64)))
        }
        await #expect(throws: EngineError.invalidRequest("the prompt is empty")) {
            try await engine.generate(EngineRequest(prompt: []))
        }
        let long = try await engine.generate(
            EngineRequest(prompt: [Int32](repeating: 65, count: 60), maxTokens: 100, stopAtEOS: false))
        #expect(long.finishReason == .length && long.tokens.count == 5)  // the 5th is predicted at position 63
    }

    @Test("a cancelled caller gets .cancelled")
    func cancellation() async throws {
        let engine = InferenceEngine(model: try engineModel(), tokenizer: tokenizer, options: .init(maxBatchSize: 1))
        defer { engine.shutdown() }
        let request = EngineRequest(prompt: prompt("x"), maxTokens: 30)
        // The only slot is held by a request whose end waits for the test, so
        // the cancelled one is still queued however fast or loaded the machine.
        let release = DispatchSemaphore(value: 0)
        let blocker = Task {
            try await engine.generate(request) { event in
                if case .finished = event { _ = release.wait(timeout: .now() + 120) }
            }
        }
        let task = Task { try await engine.generate(request) }
        try await waitUntil { engine.pendingRequests == 2 }
        #expect(engine.pendingRequests == 2)
        task.cancel()
        release.signal()
        await #expect(throws: EngineError.cancelled) { try await task.value }
        #expect(try await !blocker.value.tokens.isEmpty)
        // the engine keeps serving
        let after = try await engine.generate(request)
        #expect(!after.tokens.isEmpty)
    }

    @Test("shutdown fails waiting requests")
    func shutdown() async throws {
        let engine = InferenceEngine(model: try engineModel(), tokenizer: tokenizer)
        engine.shutdown()
        await #expect(throws: EngineError.shutDown) {
            try await engine.generate(EngineRequest(prompt: prompt("x")))
        }
    }
}
