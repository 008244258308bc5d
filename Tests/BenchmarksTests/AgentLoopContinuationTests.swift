import Foundation
import Testing
@testable import Benchmarks

@Suite("Agent loop: continuations and the context length")
struct AgentLoopContinuationTests {
    static func usage(_ prompt: Int, _ completion: Int) -> Completion.Usage {
        Completion.Usage(promptTokens: prompt, completionTokens: completion)
    }

    @Test func aTurnCutByTheTokenLimitIsContinued() async throws {
        let model = ScriptedModel([
            ScriptedModel.ended("<think>long thought", finish: .length),
            ScriptedModel.ended(" goes on", finish: .length),
            ScriptedModel.stopped(" and ends</think>\n<answer>\\boxed{5}", at: .answer),
        ])
        let run = try await AgentLoop(model: model).run(question: "Q", system: "S", seed: 10)
        #expect(run.finishReason == .answered && run.prediction == "5" && run.modelCalls == 3)
        #expect(run.trajectory == "<think>long thought goes on and ends</think>\n<answer>\\boxed{5}</answer>")
        let requests = await model.requests
        // Each continuation sends the text so far and its own seed.
        #expect(requests[1].prompt.hasSuffix("<think>long thought") && requests[2].prompt.hasSuffix(" goes on"))
        #expect(requests.map(\.seed) == [10, 11, 12])
    }

    @Test func continuationsAreCountedPerTurnAndBounded() async throws {
        let cut = ScriptedModel.ended("x", finish: .length)
        let model = ScriptedModel([
            cut, ScriptedModel.stopped("<search>q", at: .search),  // one continuation, then a tool call
            cut, cut, cut, cut,  // a new turn: three continuations, then it ends
        ])
        let limits = AgentLimits(maxContinuations: 3)
        let run = try await AgentLoop(model: model, tools: ToolBox(), limits: limits).run(question: "Q", system: "S", seed: 0)
        #expect(run.finishReason == .length && run.modelCalls == 6)
        let none = ScriptedModel([cut])
        let ended = try await AgentLoop(model: none, limits: AgentLimits(maxContinuations: 0)).run(question: "Q", system: "S", seed: 0)
        #expect(ended.finishReason == .length && ended.modelCalls == 1)
    }

    @Test func aCutThatWroteNothingIsNotContinued() async throws {
        // A full context answers an empty `length` completion: calling again cannot get further.
        let model = ScriptedModel([ScriptedModel.ended("", finish: .length), ScriptedModel.ended("never", finish: .stop)])
        let run = try await AgentLoop(model: model, limits: AgentLimits(maxContinuations: 3)).run(
            question: "Q", system: "S", seed: 0)
        #expect(run.finishReason == .length && run.modelCalls == 1)
    }

    @Test func maxTokensIsClampedToWhatThePromptLeaves() async throws {
        let model = ScriptedModel([
            .reply(Completion(text: "<search>q", matchedStop: "</search>", usage: Self.usage(500, 300))),
            .reply(Completion(text: "<answer>\\boxed{1}", matchedStop: "</answer>", usage: Self.usage(900, 10))),
        ])
        let loop = AgentLoop(model: model, tools: ToolBox(), contextLength: 2000)
        let run = try await loop.run(question: "Q", system: String(repeating: "s", count: 396), seed: 0)
        #expect(run.finishReason == .answered)
        let requests = await model.requests
        // First call: no usage yet, the prompt's bytes / 4 (ChatML around 396 + 1 bytes: 456 bytes, 114 tokens).
        let firstPromptBytes = requests[0].prompt.utf8.count
        #expect(requests[0].sampling.maxTokens == 2000 - (firstPromptBytes + 3) / 4)
        // Second call: 800 measured tokens plus the tool result appended since, at 4 bytes a token.
        let answerBytes = "<answer>\\boxed{1}</answer>".utf8.count
        let searchBytes = "<search>q</search>".utf8.count
        let added: Int = run.trajectory.utf8.count - answerBytes - searchBytes
        let estimated: Int = 800 + (added + 3) / 4
        #expect(requests[1].sampling.maxTokens == 2000 - estimated)
    }

    @Test func aFullContextEndsTheSampleWithLength() async throws {
        let model = ScriptedModel([
            .reply(Completion(text: "<search>q", matchedStop: "</search>", usage: Self.usage(1000, 1000))),
        ])
        let run = try await AgentLoop(model: model, tools: ToolBox(), contextLength: 2000).run(question: "Q", system: "S", seed: 0)
        #expect(run.finishReason == .length && run.modelCalls == 1)
    }

    @Test func aContextOverflowWithRoomIsRetriedOnceWithTheServersNumbers() async throws {
        let overflow = HTTPCallError.status(
            code: 400,
            body: "This model's maximum context length is 4096 tokens. However, you requested 5096 tokens (1000 in the messages, 4096 in the completion).")
        let model = ScriptedModel([.fail(overflow), ScriptedModel.stopped("<answer>\\boxed{3}", at: .answer)])
        let run = try await AgentLoop(model: model).run(question: "Q", system: "S", seed: 4)
        #expect(run.prediction == "3" && run.modelCalls == 1)
        let requests = await model.requests
        #expect(requests.count == 2 && requests[1].sampling.maxTokens == 3096 && requests[1].seed == 4)
    }

    @Test func aPromptThatFillsTheContextFailsTheSample() async throws {
        let overflow = HTTPCallError.status(
            code: 400,
            body: "This model's maximum context length is 2048 tokens. However, you requested 6144 tokens (2048 in the messages, 4096 in the completion).")
        let model = ScriptedModel([ScriptedModel.stopped("<search>q", at: .search), .fail(overflow)])
        do {
            _ = try await AgentLoop(model: model, tools: ToolBox()).run(question: "Q", system: "S", seed: 0)
            Issue.record("expected a model failure")
        } catch {
            guard case .modelFailed(let cause, let calls, let trajectory) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(calls == 2 && trajectory.hasPrefix("<search>q</search>"))
            #expect((cause as? HTTPCallError)?.statusCode == 400)
        }
    }
}
