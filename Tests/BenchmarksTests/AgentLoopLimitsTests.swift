import Testing
@testable import Benchmarks

@Suite("Agent loop: limits, timeout, cancellation")
struct AgentLoopLimitsTests {
    @Test func searchAndPythonLimitsAnswerLimitReached() async throws {
        let model = ScriptedModel([
            ScriptedModel.stopped("<search>a", at: .search),
            ScriptedModel.stopped("<search>b", at: .search),
            ScriptedModel.stopped("<python>print(1)", at: .python),
            ScriptedModel.stopped("<python>print(2)", at: .python),
            ScriptedModel.stopped("<answer>\\boxed{x}", at: .answer),
        ])
        let search = FakeSearch()
        let python = FakePython { _ in "ok" }
        let limits = AgentLimits(maxSearches: 1, maxPythonCalls: 1)
        let run = try await AgentLoop(model: model, tools: ToolBox(search: search, python: python), limits: limits)
            .run(question: "Q", system: "S", seed: 0)
        #expect(await search.queries == ["a"])
        #expect(await python.programs == ["print(1)"])
        #expect(run.trajectory.contains("<search>a</search>\n<result>\nNo results found.\n</result>"))
        #expect(run.trajectory.contains("<result>\n\(AgentLoop.Notice.searchLimit(1))\n</result>"))
        #expect(run.trajectory.contains("<result>\n\(AgentLoop.Notice.pythonLimit(1))\n</result>"))
        #expect((run.searchCalls, run.pythonCalls, run.finishReason) == (2, 2, .answered))
    }

    @Test func lengthFinishStopsWithoutContinuations() async throws {
        let model = ScriptedModel([ScriptedModel.ended("<think>a very long thought", finish: .length)])
        let run = try await AgentLoop(model: model, limits: AgentLimits(maxContinuations: 0)).run(question: "Q", system: "S", seed: 0)
        #expect(run.finishReason == .length && run.modelCalls == 1 && run.prediction == nil)
        #expect(run.trajectory == "<think>a very long thought")
    }

    @Test func modelCallLimitStopsWithoutRunningTheLastTool() async throws {
        let search = FakeSearch()
        let agent = AgentLoop(
            model: SearchingForeverModel(), tools: ToolBox(search: search), limits: AgentLimits(maxModelCalls: 3))
        let run = try await agent.run(question: "Q", system: "S", seed: 10)
        #expect(run.finishReason == .callLimit)
        #expect((run.modelCalls, run.searchCalls) == (3, 3))
        #expect(await search.queries == ["q10", "q11"])
        #expect(run.trajectory.hasSuffix("<search>q12</search>"))
    }

    @Test func sampleTimeoutDuringAToolStopsWithTheTrajectorySoFar() async throws {
        let model = ScriptedModel([ScriptedModel.stopped("<search>slow", at: .search)])
        let search = FakeSearch(delay: .seconds(300))
        let agent = AgentLoop(
            model: model, tools: ToolBox(search: search), limits: AgentLimits(sampleTimeoutSeconds: 2))
        let clock = ContinuousClock()
        let start = clock.now
        let run = try await agent.run(question: "Q", system: "S", seed: 0)
        // Far below the 300 s the hang would take: robust on a loaded machine.
        #expect(clock.now - start < .seconds(60))
        #expect(run.finishReason == .timeout)
        #expect(run.trajectory == "<search>slow</search>")
        #expect(run.latencySeconds >= 2)
    }

    @Test func sampleTimeoutDuringAModelCall() async throws {
        let model = ScriptedModel([.hang(.seconds(300))])
        // 2 s: the first call must start before the deadline even on a loaded machine.
        let agent = AgentLoop(model: model, limits: AgentLimits(sampleTimeoutSeconds: 2))
        let run = try await agent.run(question: "Q", system: "S", seed: 0)
        #expect(run.finishReason == .timeout && run.modelCalls == 1 && run.trajectory.isEmpty)
    }

    @Test func cancellationStopsTheLoopPromptly() async throws {
        let model = ScriptedModel([ScriptedModel.stopped("<search>x", at: .search), .hang(.seconds(300))])
        let agent = AgentLoop(model: model, tools: ToolBox(search: FakeSearch()))
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task { try await agent.run(question: "Q", system: "S", seed: 0) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        // Far below the 300 s the hang would take: robust on a loaded machine.
        #expect(clock.now - start < .seconds(60))
        guard case .failure(let error) = result, case .cancelled? = error as? AgentError else {
            Issue.record("expected AgentError.cancelled, got \(result)")
            return
        }
    }

    @Test func modelErrorsPropagateTyped() async throws {
        let failure = HTTPCallError.status(code: 400, body: "bad prompt")
        let model = ScriptedModel([ScriptedModel.stopped("<search>x", at: .search), .fail(failure)])
        do {
            _ = try await AgentLoop(model: model).run(question: "Q", system: "S", seed: 0)
            Issue.record("expected an error")
        } catch {
            guard case .modelFailed(let underlying, let calls, let trajectory) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(underlying as? HTTPCallError == failure)
            #expect(calls == 2)
            #expect(trajectory.hasPrefix("<search>x</search>\n<result>\nThe search tool is not available."))
        }
    }
}
