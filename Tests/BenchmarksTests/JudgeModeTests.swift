import Foundation
import Hummingbird
import Testing
@testable import Benchmarks

/// The two judge modes against scripted judges: plain, reasoning (a
/// `<think>` block and vLLM's `reasoning_content`) and failing.
@Suite("Judge modes")
struct JudgeModeTests {
    /// A chat answer with `content` and, when given, vLLM's `reasoning_content`.
    static func answer(_ content: String, reasoning: String? = nil) throws -> String {
        var message: [String: Any] = ["role": "assistant", "content": content]
        if let reasoning { message["reasoning_content"] = reasoning }
        let body: [String: Any] = ["choices": [["index": 0, "message": message, "finish_reason": "stop"]]]
        return String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
    }

    func judge(_ base: String, mode: JudgeMode, sampling: SamplingParameters? = nil) -> LLMJudge {
        let endpoint = OpenAIEndpoint(baseURL: base + "/v1", model: "judge", retry: RetryPolicy(maxAttempts: 1))
        return LLMJudge(client: OpenAIChatClient(endpoint: endpoint), mode: mode, sampling: sampling)
    }

    @Test func authorsRulesReadTheVerdictLikeTheReleasedCode() {
        #expect(LLMJudge.authorsVerdict(in: "Correct") == .correct)
        #expect(LLMJudge.authorsVerdict(in: "The prediction is correct.") == .correct)
        #expect(LLMJudge.authorsVerdict(in: "Incorrect") == .incorrect)
        #expect(LLMJudge.authorsVerdict(in: "This is not correct") == .incorrect)
        #expect(LLMJudge.authorsVerdict(in: "correct, though the date is wrong") == .incorrect)
        #expect(LLMJudge.authorsVerdict(in: "I cannot tell") == .incorrect)
        #expect(LLMJudge.authorsVerdict(in: "<judgment>Correct</judgment> (an incorrect unit was ignored)") == .correct)
        #expect(LLMJudge.authorsVerdict(in: "<think>incorrect? no, it matches</think>\nCorrect") == .correct)
        // An unfinished thought decides nothing.
        #expect(LLMJudge.authorsVerdict(in: "<think>it is correct") == .incorrect)
        #expect(LLMJudge.verdict(in: "<think>it is correct") == nil)
    }

    @Test func authorsModeSendsOneUserMessageWithTheGoldList() {
        let messages = LLMJudge.messages(mode: .authors, question: "Capital?", golds: ["Paris", "paris, fr"], prediction: "Paris")
        #expect(messages.count == 1 && messages[0].role == "user")
        #expect(messages[0].content.contains(#"Gold answers: ["Paris","paris, fr"]"#))
        #expect(messages[0].content.contains("Question: Capital?") && messages[0].content.hasSuffix("Predicted answer: Paris"))
        let strict = LLMJudge.messages(mode: .strict, question: "Capital?", golds: ["Paris"], prediction: "Paris")
        #expect(strict.map(\.role) == ["system", "user"])
    }

    @Test func reasoningJudgesAreReadAfterTheirThoughtsAndSamplingComesFromTheRequest() async throws {
        let recorder = Recorder()
        let verdicts = try await StandInServer.with({ router in
            router.post("v1/chat/completions") { request, _ in
                let index = await recorder.record(try await StandInServer.jsonObject(of: request))
                // The reasoning says the opposite of the verdict: it must never decide.
                let replies = [
                    try Self.answer("Correct", reasoning: "Is it incorrect? The gold says Paris; incorrect would be wrong."),
                    try Self.answer("<think>Maybe incorrect... no.</think>\n\n**Correct**"),
                ]
                return StandInServer.json(replies[index % 2])
            }
        }) { base in
            let sampling = SamplingParameters(temperature: 0.7, topP: 0.8, topK: 20, repetitionPenalty: 1.05, maxTokens: 1024)
            var verdicts: [JudgeVerdict] = []
            for mode in JudgeMode.allCases {
                for _ in 0..<2 {
                    verdicts.append(try await judge(base, mode: mode, sampling: sampling)
                        .judge(question: "Capital of France?", golds: ["Paris"], prediction: "Paris, France"))
                }
            }
            return verdicts
        }
        #expect(verdicts == [.correct, .correct, .correct, .correct])
        let body = try #require(await recorder.bodies.first)
        #expect(body["temperature"] == .number(0.7) && body["top_p"] == .number(0.8) && body["max_tokens"] == .number(1024))
        #expect(body["repetition_penalty"] == .number(1.05) && body["top_k"] == .number(20))
    }

    @Test func aFailingJudgeFallsBackToTheRuleCheckAndIsCounted() async throws {
        let results = try await StandInServer.with({ router in
            router.post("v1/chat/completions") { _, _ in
                StandInServer.json(#"{"object":"error","message":"judge overloaded","code":400}"#, status: .badRequest)
            }
        }) { base in
            let scorer = Scorer(judge: judge(base, mode: .strict))
            let item = DatasetItem(id: "1", question: "Who?", answers: ["Barack Obama"], line: 1)
            let spec = try BenchmarkCatalog.spec(named: "hotpotqa")
            return (
                try await scorer.score(spec: spec, item: item, prediction: "barack obama"),
                try await scorer.score(spec: spec, item: item, prediction: "President Obama")
            )
        }
        // The rule check says correct: the judge is not asked.
        #expect(results.0.correct && results.0.metric == .judge && results.0.judgeError == nil)
        // The rule check says incorrect and the judge fails: incorrect, by the rule, counted.
        #expect(!results.1.correct && results.1.metric == .exactMatch)
        #expect(results.1.judgeError?.contains("judge overloaded") == true)
    }

    @Test func authorsModeJudgesMathSetsToo() async throws {
        let recorder = Recorder()
        let result = try await StandInServer.with({ router in
            router.post("v1/chat/completions") { request, _ in
                _ = await recorder.record(try await StandInServer.jsonObject(of: request))
                return StandInServer.json(try Self.answer("Correct"))
            }
        }) { base in
            let item = DatasetItem(id: "1", question: "Half of one?", answers: ["0.5"], line: 1)
            let spec = try BenchmarkCatalog.spec(named: "gsm8k")
            let strict = try await Scorer(judge: judge(base, mode: .strict)).score(spec: spec, item: item, prediction: "one half")
            #expect(!strict.correct && strict.metric == .mathEqual)
            let authors = try await Scorer(judge: judge(base, mode: .authors), judgesMath: true)
                .score(spec: spec, item: item, prediction: "one half")
            // math-equal first: a right number never reaches the judge.
            let ruled = try await Scorer(judge: judge(base, mode: .authors), judgesMath: true)
                .score(spec: spec, item: item, prediction: "1/2")
            #expect(ruled.correct && ruled.metric == .judge)
            return authors
        }
        #expect(result.correct && result.metric == .judge)
        #expect(await recorder.count == 1)
    }
}
