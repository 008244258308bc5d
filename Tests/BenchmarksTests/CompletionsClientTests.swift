import Foundation
import Hummingbird
import Logging
import Testing
@testable import Benchmarks

@Suite("OpenAI completions client")
struct CompletionsClientTests {
    static let fastRetry = RetryPolicy(maxAttempts: 5, baseDelaySeconds: 0.01, maxDelaySeconds: 0.05)
    static let answer = """
        {"id":"c1","object":"text_completion","choices":[{"index":0,"text":"<search> q ",
        "finish_reason":"stop","stop_reason":"</search>"}],"usage":{"prompt_tokens":12,"completion_tokens":5}}
        """

    func client(_ base: String, retry: RetryPolicy = fastRetry, limit: Int = 16, timeout: Double = 30)
        -> OpenAICompletionsClient
    {
        OpenAICompletionsClient(
            endpoint: OpenAIEndpoint(
                baseURL: base + "/v1/", model: "qwen", apiKey: "sk-test", maxConcurrency: limit,
                requestTimeoutSeconds: timeout, retry: retry),
            logger: TestSupport.quietLogger)
    }

    @Test func sendsTheExactRequestAndReadsStopReason() async throws {
        let recorder = Recorder()
        let completion = try await StandInServer.with({ router in
            router.post("v1/completions") { request, _ in
                _ = await recorder.record(try await StandInServer.jsonObject(of: request), headers: request.headers)
                return StandInServer.json(Self.answer)
            }
        }) { base in
            let request = CompletionRequest(
                prompt: "P", stop: AgentTag.stopStrings,
                sampling: SamplingParameters(maxTokens: 1000), seed: 1_234_567_890_123)
            return try await client(base).complete(request)
        }
        #expect(completion == Completion(
            text: "<search> q ", matchedStop: "</search>", finishReason: .stop,
            usage: .init(promptTokens: 12, completionTokens: 5)))
        let body = try #require(await recorder.bodies.first)
        #expect(Set(body.keys) == [
            "model", "prompt", "stop", "max_tokens", "temperature", "top_p", "top_k", "repetition_penalty",
            "seed", "n",
        ])
        #expect(body["model"] == .string("qwen") && body["prompt"] == .string("P"))
        #expect(body["stop"] == .array([.string("</search>"), .string("</python>"), .string("</answer>")]))
        #expect(body["max_tokens"] == .number(1000) && body["n"] == .number(1))
        #expect(body["temperature"] == .number(0.6) && body["top_p"] == .number(0.95))
        #expect(body["top_k"] == .number(20) && body["repetition_penalty"] == .number(1.1))
        #expect(body["seed"] == .number(1_234_567_890_123))
        #expect(await recorder.headers.first?[.authorization] == "Bearer sk-test")
    }

    @Test func nullStopReasonAndLengthFinish() async throws {
        let completion = try await StandInServer.with({ router in
            router.post("v1/completions") { _, _ in
                StandInServer.json(#"{"choices":[{"text":"abc","finish_reason":"length","stop_reason":null}]}"#)
            }
        }) { base in try await client(base).complete(CompletionRequest(prompt: "P", seed: 0)) }
        #expect(completion == Completion(text: "abc", matchedStop: nil, finishReason: .length))
    }

    @Test func retriesOn429And503ThenSucceeds() async throws {
        let recorder = Recorder()
        let clock = ContinuousClock()
        let start = clock.now
        let completion = try await StandInServer.with({ router in
            router.post("v1/completions") { request, _ in
                let index = await recorder.record(try await StandInServer.jsonObject(of: request))
                switch index {
                case 0: return StandInServer.json(#"{"error":"slow down"}"#, status: .tooManyRequests, headers: [.retryAfter: "0.2"])
                case 1: return StandInServer.json(#"{"error":"overloaded"}"#, status: .serviceUnavailable)
                default: return StandInServer.json(Self.answer)
                }
            }
        }) { base in
            try await client(base, retry: RetryPolicy(maxAttempts: 5, baseDelaySeconds: 0.01, maxDelaySeconds: 0.3))
                .complete(CompletionRequest(prompt: "P", seed: 9))
        }
        #expect(completion.text == "<search> q ")
        #expect(await recorder.count == 3)
        #expect(clock.now - start >= .milliseconds(200))  // Retry-After honoured (under the cap)
        #expect(await recorder.bodies.allSatisfy { $0["seed"] == .number(9) })
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let recorder = Recorder()
        let error = try await StandInServer.with({ router in
            router.post("v1/completions") { _, _ in
                _ = await recorder.record([:])
                return StandInServer.json(#"{"error":"down"}"#, status: .serviceUnavailable)
            }
        }) { base in
            await #expect(throws: HTTPCallError.self) {
                try await client(base).complete(CompletionRequest(prompt: "P", seed: 0))
            }
        }
        #expect(error == .retriesExhausted(attempts: 5, last: .status(code: 503, body: #"{"error":"down"}"#)))
        #expect(error?.statusCode == 503)
        #expect(await recorder.count == 5)
    }

    @Test func doesNotRetryOtherClientErrors() async throws {
        let recorder = Recorder()
        let error = try await StandInServer.with({ router in
            router.post("v1/completions") { _, _ in
                _ = await recorder.record([:])
                return StandInServer.json(#"{"message":"prompt too long"}"#, status: .badRequest)
            }
        }) { base in
            await #expect(throws: HTTPCallError.self) {
                try await client(base).complete(CompletionRequest(prompt: "P", seed: 0))
            }
        }
        #expect(error == .status(code: 400, body: #"{"message":"prompt too long"}"#))
        #expect(await recorder.count == 1)
    }

    @Test func neverExceedsTheConcurrencyLimit() async throws {
        let recorder = Recorder()
        try await StandInServer.with({ router in
            router.post("v1/completions") { _, _ in
                await recorder.enter()
                try await Task.sleep(for: .milliseconds(100))
                await recorder.leave()
                return StandInServer.json(Self.answer)
            }
        }) { base in
            let shared = client(base, limit: 3)
            try await withThrowingTaskGroup(of: Completion.self) { group in
                for seed in 0..<12 {
                    group.addTask { try await shared.complete(CompletionRequest(prompt: "P", seed: UInt64(seed))) }
                }
                try await group.waitForAll()
            }
        }
        let peak = await recorder.maxInFlight
        #expect(peak <= 3)
        #expect(peak >= 2)
    }

    @Test func timeoutsAndRefusedConnectionsAreRetriedThenReported() async throws {
        let slow = try await StandInServer.with({ router in
            router.post("v1/completions") { _, _ in
                try await Task.sleep(for: .seconds(1))
                return StandInServer.json(Self.answer)
            }
        }) { base in
            await #expect(throws: HTTPCallError.self) {
                try await client(base, retry: RetryPolicy(maxAttempts: 2, baseDelaySeconds: 0.01), timeout: 0.3)
                    .complete(CompletionRequest(prompt: "P", seed: 0))
            }
        }
        #expect(slow == .retriesExhausted(attempts: 2, last: .timedOut(seconds: 0.3)))
        let port = try StandInServer.closedPort()
        let refused = await #expect(throws: HTTPCallError.self) {
            // AsyncHTTPClient keeps trying to connect until the attempt's deadline.
            try await client("http://127.0.0.1:\(port)", retry: RetryPolicy(maxAttempts: 2, baseDelaySeconds: 0.01), timeout: 0.5)
                .complete(CompletionRequest(prompt: "P", seed: 0))
        }
        guard case .retriesExhausted(2, .transport)? = refused else {
            Issue.record("expected a transport failure, got \(String(describing: refused))")
            return
        }
    }

    @Test func cancellingTheTaskCancelsTheRequestInFlight() async throws {
        let recorder = Recorder()
        let clock = ContinuousClock()
        try await StandInServer.with({ router in
            router.post("v1/completions") { _, _ in
                _ = await recorder.record([:])
                try await Task.sleep(for: .seconds(30))
                return StandInServer.json(Self.answer)
            }
        }) { base in
            let model = client(base)
            let task = Task { try await model.complete(CompletionRequest(prompt: "P", seed: 0)) }
            while await recorder.count == 0 { try await Task.sleep(for: .milliseconds(10)) }
            let cancelledAt = clock.now
            task.cancel()
            let result = await task.result
            // The server answers after 30 s: well before that means the call
            // was abandoned, however loaded the machine is.
            #expect(clock.now - cancelledAt < .seconds(20))
            guard case .failure(let error) = result else {
                Issue.record("expected a cancellation")
                return
            }
            #expect(error as? HTTPCallError == .cancelled)
            #expect(await model.limiter?.inUse == 0)
        }
    }
}
