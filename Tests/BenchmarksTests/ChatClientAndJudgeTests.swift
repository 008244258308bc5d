import Foundation
import Hummingbird
import Testing
@testable import Benchmarks

@Suite("OpenAI chat client and LLM judge")
struct ChatClientAndJudgeTests {
    static func chatAnswer(_ content: String) throws -> String {
        let escaped = String(decoding: try JSONEncoder().encode(content), as: UTF8.self)
        return #"{"choices":[{"index":0,"message":{"role":"assistant","content":"# + escaped
            + #"},"finish_reason":"stop","stop_reason":null}]}"#
    }

    func endpoint(_ base: String) -> OpenAIEndpoint {
        OpenAIEndpoint(baseURL: base + "/v1", model: "judge", retry: RetryPolicy(maxAttempts: 2, baseDelaySeconds: 0.01))
    }

    @Test func continuesTheTrajectoryAsAFinalAssistantMessage() async throws {
        let recorder = Recorder()
        try await StandInServer.with({ router in
            router.post("v1/chat/completions") { request, _ in
                _ = await recorder.record(try await StandInServer.jsonObject(of: request))
                return StandInServer.json(
                    #"{"choices":[{"message":{"content":" query"},"finish_reason":"stop","stop_reason":"</search>"}]}"#)
            }
        }) { base in
            let client = OpenAIChatClient(endpoint: endpoint(base))
            let first = CompletionRequest(prompt: "ignored", stop: ["</search>"], seed: 5, turns: .init(system: "S", user: "Q"))
            _ = try await client.complete(first)
            let later = CompletionRequest(
                prompt: "ignored", stop: ["</search>"], seed: 6,
                turns: .init(system: "S", user: "Q", assistant: "<think>t</think><search>"))
            let completion = try await client.complete(later)
            #expect(completion == Completion(text: " query", matchedStop: "</search>", finishReason: .stop))
        }
        let bodies = await recorder.bodies
        #expect(bodies.count == 2)
        let system = JSONValue.object(["role": .string("system"), "content": .string("S")])
        let user = JSONValue.object(["role": .string("user"), "content": .string("Q")])
        #expect(bodies[0]["messages"] == .array([system, user]))
        #expect(bodies[0]["continue_final_message"] == nil && bodies[0]["add_generation_prompt"] == nil)
        let assistant = JSONValue.object(["role": .string("assistant"), "content": .string("<think>t</think><search>")])
        #expect(bodies[1]["messages"] == .array([system, user, assistant]))
        #expect(bodies[1]["continue_final_message"] == .bool(true))
        #expect(bodies[1]["add_generation_prompt"] == .bool(false))
        #expect(bodies[1]["seed"] == .number(6) && bodies[1]["stop"] == .array([.string("</search>")]))
        #expect(bodies[1]["model"] == .string("judge") && bodies[1]["top_k"] == .number(20))
    }

    @Test func judgeSendsAStrictGreedyPromptAndParsesVerdicts() async throws {
        let recorder = Recorder()
        let replies = [
            "Correct", "**Incorrect**.", "<think>the gold says Paris, so correct</think>\nCorrect.",
            "The answer is not correct.",
        ]
        let verdicts = try await StandInServer.with({ router in
            router.post("v1/chat/completions") { request, _ in
                let index = await recorder.record(try await StandInServer.jsonObject(of: request))
                return StandInServer.json(try Self.chatAnswer(replies[index % replies.count]))
            }
        }) { base in
            let judge = LLMJudge(client: OpenAIChatClient(endpoint: endpoint(base)))
            var verdicts: [JudgeVerdict] = []
            for _ in replies {
                verdicts.append(
                    try await judge.judge(question: "Capital of France?", golds: ["Paris", "paris, fr"], prediction: "Paris"))
            }
            return verdicts
        }
        #expect(verdicts == [.correct, .incorrect, .correct, .incorrect])
        let body = try #require(await recorder.bodies.first)
        #expect(body["temperature"] == .number(0) && body["top_p"] == .number(1) && body["seed"] == .number(0))
        #expect(body["top_k"] == nil && body["repetition_penalty"] == nil && body["stop"] == nil)
        guard case .array(let messages)? = body["messages"], messages.count == 2,
            case .object(let userMessage) = messages[1], let text = userMessage["content"]?.stringValue
        else {
            Issue.record("unexpected messages \(String(describing: body["messages"]))")
            return
        }
        #expect(text.contains("Question: Capital of France?"))
        #expect(text.contains(#"Gold answer(s): "Paris" | "paris, fr""#))
        #expect(text.contains("Predicted answer: Paris"))
        #expect(text.contains("Correct or Incorrect"))
    }

    @Test func verdictParsing() {
        #expect(LLMJudge.verdict(in: "correct") == .correct)
        #expect(LLMJudge.verdict(in: "  INCORRECT\n") == .incorrect)
        #expect(LLMJudge.verdict(in: "Verdict: Incorrect") == .incorrect)
        #expect(LLMJudge.verdict(in: "<think>is it correct? no</think> Incorrect") == .incorrect)
        #expect(LLMJudge.verdict(in: "I cannot tell") == nil)
        #expect(LLMJudge.verdict(in: "") == nil)
    }

    @Test func judgeFailuresAreTyped() async throws {
        let outcome = try await StandInServer.with({ router in
            router.post("v1/chat/completions") { _, _ in StandInServer.json(try Self.chatAnswer("Maybe?")) }
        }) { base in
            await #expect(throws: JudgeError.self) {
                try await LLMJudge(client: OpenAIChatClient(endpoint: endpoint(base)))
                    .judge(question: "Q", golds: ["A"], prediction: "B")
            }
        }
        #expect(outcome == .unparseableVerdict("Maybe?"))
        let down = try await StandInServer.with({ router in
            router.post("v1/chat/completions") { _, _ in StandInServer.json("{}", status: .badRequest) }
        }) { base in
            await #expect(throws: JudgeError.self) {
                try await LLMJudge(client: OpenAIChatClient(endpoint: endpoint(base)))
                    .judge(question: "Q", golds: ["A"], prediction: "B")
            }
        }
        #expect(down == .http(.status(code: 400, body: "{}")))
    }

    @Test func scorerUsesTheJudge() async throws {
        let result = try await StandInServer.with({ router in
            router.post("v1/chat/completions") { _, _ in StandInServer.json(try Self.chatAnswer("Correct")) }
        }) { base in
            let scorer = Scorer(judge: LLMJudge(client: OpenAIChatClient(endpoint: endpoint(base))))
            let item = DatasetItem(id: "1", question: "Who?", answers: ["Barack Obama"], line: 1)
            return try await scorer.score(spec: BenchmarkCatalog.spec(named: "hotpotqa"), item: item, prediction: "President Obama")
        }
        #expect(result.correct && result.metric == .judge)
    }
}
