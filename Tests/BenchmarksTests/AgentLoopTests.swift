import Testing
@testable import Benchmarks

@Suite("Agent loop: protocol")
struct AgentLoopTests {
    static let paris = SearchHit(title: "Paris", text: "Paris is the capital\nof France.")

    func loop(_ model: ScriptedModel, tools: ToolBox = ToolBox(), limits: AgentLimits = AgentLimits()) -> AgentLoop {
        AgentLoop(model: model, tools: tools, limits: limits, logger: TestSupport.quietLogger)
    }

    @Test func restoresTheReportedStopTagAndContinuesFromTheTranscript() async throws {
        let model = ScriptedModel([
            ScriptedModel.stopped("<think>look it up</think>\n<search> capital of France ", at: .search),
            ScriptedModel.stopped("<answer>It is \\boxed{Paris}", at: .answer),
        ])
        let search = FakeSearch(["capital of france": [Self.paris]])
        let run = try await loop(model, tools: ToolBox(search: search))
            .run(question: "Capital of France?", system: "SYS", seed: 7)
        let expected = """
            <think>look it up</think>
            <search> capital of France </search>
            <result>
            Doc 1 (Title: Paris) Paris is the capital of France.
            </result>
            <answer>It is \\boxed{Paris}</answer>
            """
        #expect(run.trajectory == expected)
        #expect(run.prediction == "Paris")
        #expect(run.finishReason == .answered)
        #expect((run.searchCalls, run.pythonCalls, run.modelCalls) == (1, 0, 2))
        #expect(await search.queries == ["capital of France"])
        let requests = await model.requests
        let prefix = PromptTemplate.chatml.render(system: "SYS", question: "Capital of France?")
        #expect(requests.map(\.prompt) == [prefix, prefix + expected.components(separatedBy: "<answer>")[0]])
        #expect(requests.map(\.seed) == [7, 8])
        #expect(requests.allSatisfy { $0.stop == ["</search>", "</python>", "</answer>"] })
        let soFar = String(requests[1].prompt.dropFirst(prefix.count))
        #expect(requests[1].turns == .init(system: "SYS", user: "Capital of France?", assistant: soFar))
    }

    @Test func closingTagInTheTextIsNotDoubledAndAMissingStopReasonIsInferred() async throws {
        let model = ScriptedModel([
            ScriptedModel.ended("<python>print(6 * 7)</python>"),  // tag kept, no stop reported
            ScriptedModel.ended("<python>print(1)"),  // no tag, no stop reported: inferred
            ScriptedModel.ended("<answer>\\boxed{42}</answer>\n"),
        ])
        let python = FakePython { $0 == "print(6 * 7)" ? "42\n" : "1\n" }
        let run = try await loop(model, tools: ToolBox(python: python)).run(question: "Q", system: "", seed: 0)
        #expect(!run.trajectory.contains("</python></python>"))
        #expect(run.trajectory.contains("<python>print(1)</python>\n<result>\n1\n</result>\n"))
        #expect(await python.programs == ["print(6 * 7)", "print(1)"])
        #expect(run.finishReason == .answered && run.prediction == "42" && run.pythonCalls == 2)
    }

    @Test func searchThenPythonThenAnswer() async throws {
        let model = ScriptedModel([
            ScriptedModel.stopped("<search>population of Paris", at: .search),
            ScriptedModel.stopped("<python>\n```python\n    x = 2102650\n    print(x // 1000)\n```\n", at: .python),
            ScriptedModel.stopped("<answer>\\boxed{2102}", at: .answer),
        ])
        let search = FakeSearch(["population of paris": [SearchHit(text: "2,102,650 inhabitants", url: "https://x")]])
        let python = FakePython { _ in "2102\n" }
        let run = try await loop(model, tools: ToolBox(search: search, python: python))
            .run(question: "Q", system: "S", seed: 1)
        #expect(run.trajectory.contains("<result>\nDoc 1 (URL: https://x) 2,102,650 inhabitants\n</result>"))
        #expect(run.trajectory.contains("</python>\n<result>\n2102\n</result>\n<answer>"))
        #expect(await python.programs == ["x = 2102650\nprint(x // 1000)"])
        #expect((run.searchCalls, run.pythonCalls, run.modelCalls) == (1, 1, 3))
        #expect(run.prediction == "2102" && run.finishReason == .answered)
    }

    @Test func repeatedQueryIsNotSearchedAgain() async throws {
        let model = ScriptedModel([
            ScriptedModel.stopped("<search> Capital of   FRANCE ", at: .search),
            ScriptedModel.stopped("<search>capital of france", at: .search),
            ScriptedModel.stopped("<answer>\\boxed{Paris}", at: .answer),
        ])
        let search = FakeSearch(["capital of france": [Self.paris]])
        let run = try await loop(model, tools: ToolBox(search: search)).run(question: "Q", system: "S", seed: 0)
        #expect(await search.queries.count == 1)
        #expect(run.searchCalls == 2)
        #expect(run.trajectory.contains("<result>\n\(AgentLoop.Notice.repeatedQuery)\n</result>"))
    }

    @Test func missingToolsAnswerNotAvailableAndTheLoopGoesOn() async throws {
        let model = ScriptedModel([
            ScriptedModel.stopped("<search>x", at: .search),
            ScriptedModel.stopped("<python>print(1)", at: .python),
            ScriptedModel.stopped("<answer>\\boxed{1}", at: .answer),
        ])
        let run = try await loop(model).run(question: "Q", system: "S", seed: 0)
        #expect(run.trajectory.contains("<result>\nThe search tool is not available."))
        #expect(run.trajectory.contains("<result>\nThe python tool is not available."))
        #expect(run.finishReason == .answered && run.toolErrors.isEmpty)
    }

    @Test func toolFailuresBecomeResultsAndAreRecorded() async throws {
        let model = ScriptedModel([
            ScriptedModel.stopped("<search>x", at: .search),
            ScriptedModel.stopped("<python>print(1)", at: .python),
            ScriptedModel.stopped("<answer>\\boxed{1}", at: .answer),
        ])
        let run = try await loop(model, tools: ToolBox(search: BrokenSearch(), python: RefusingPython()))
            .run(question: "Q", system: "S", seed: 0)
        #expect(run.trajectory.contains("<result>\nsearch failed: gave up after 5 attempts: HTTP 503: busy\n</result>"))
        #expect(run.trajectory.contains("<result>\npython tool unavailable: bubblewrap (bwrap) not found"))
        #expect(run.toolErrors.count == 2)
        #expect(run.finishReason == .answered)
    }

    @Test func endOfSequenceWithoutAnswerIsNoAnswer() async throws {
        let model = ScriptedModel([ScriptedModel.ended("I do not know.")])
        let run = try await loop(model).run(question: "Q", system: "S", seed: 0)
        #expect(run.finishReason == .noAnswer && run.prediction == nil && run.trajectory == "I do not know.")
    }

    @Test func itemRunUsesTheBenchmarkLanguageAndThePlainTemplate() async throws {
        let model = ScriptedModel([ScriptedModel.stopped("<answer>\\boxed{北京}", at: .answer)])
        let item = DatasetItem(id: "1", question: "中国的首都是哪里？", answers: ["北京"], line: 1)
        let agent = AgentLoop(model: model, template: PromptTemplate.plain)
        let run = try await agent.run(item: item, spec: BenchmarkCatalog.spec(named: "xbench"), seed: 3)
        let prompt = await model.requests[0].prompt
        #expect(prompt == SystemPrompt.chinese + "\n\n中国的首都是哪里？\n")
        #expect(run.prediction == "北京")
    }

    @Test func perCallTokenLimitCapsTheSampling() async throws {
        let model = ScriptedModel([ScriptedModel.ended("<answer>\\boxed{1}</answer>")])
        let agent = AgentLoop(model: model, limits: AgentLimits(maxTokensPerCall: 100))
        _ = try await agent.run(question: "Q", system: "S", seed: 0)
        #expect(await model.requests[0].sampling.maxTokens == 100)
        #expect(await model.requests[0].sampling.temperature == 0.6)
    }

    @Test func pythonRefusalIsShownToTheModel() async throws {
        let model = ScriptedModel([
            ScriptedModel.stopped("<python>print(1)", at: .python),
            ScriptedModel.stopped("<answer>\\boxed{1}", at: .answer),
        ])
        let python = BubblewrapPython(configuration: .init(bwrap: "/nonexistent/bwrap"))
        let agent = AgentLoop(model: model, tools: ToolBox(python: python), logger: TestSupport.quietLogger)
        let run = try await agent.run(question: "Q", system: "S", seed: 0)
        #expect(run.trajectory.contains("<result>\npython tool unavailable: bubblewrap (bwrap) not found"))
        #expect(run.toolErrors.count == 1 && run.finishReason == .answered)
    }
}
