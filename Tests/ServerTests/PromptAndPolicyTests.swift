import Foundation
import Testing

@testable import Benchmarks
@testable import ServerCore

@Suite("Failure policy, presets and datasets as the authors ship them")
struct PromptAndPolicyTests {
    @Test func theFailurePolicyFailsOnlyPastTheBudgetOrWhenNothingReachesTheModel() {
        let policy = SampleFailurePolicy(maxErrorRate: 0.2, total: 100)
        #expect(policy.failure(.init(errors: 20, finished: 50, reached: 50, planned: 100)) == nil)
        #expect(policy.failure(.init(errors: 21, finished: 50, reached: 50, planned: 100, lastError: "HTTP 400"))?
            .hasPrefix("21 of 100 samples failed, more than max_error_rate 0.2") == true)
        // Eight samples in a row that never reached the model: the endpoint is down.
        #expect(policy.failure(.init(errors: 7, finished: 7, reached: 0, planned: 100)) == nil)
        #expect(policy.failure(.init(errors: 8, finished: 8, reached: 0, planned: 100, lastError: "connection refused"))?
            .hasPrefix("no sample could reach the model (8 tried): connection refused") == true)
        // Past the budget with nothing reached: the message says why.
        #expect(policy.failure(.init(errors: 21, finished: 21, reached: 0, planned: 100, lastError: "refused"))?
            .hasPrefix("no sample could reach the model (21 tried)") == true)
        // A resumed run with two samples left decides on those two.
        #expect(policy.failure(.init(errors: 2, finished: 2, reached: 0, planned: 2)) != nil)
        #expect(SampleFailurePolicy(maxErrorRate: 0, total: 10).failure(.init(errors: 1, finished: 1, reached: 1, planned: 10)) != nil)
    }

    @Test func hleTopJSONImportsAsItShips() throws {
        // JSON lines under a .json name, with the fields the authors' file has (texts written here).
        let lines = """
            {"id":"6700a1","question":"Which option names the smallest prime?\\n\\nAnswer Choices:\\nA. 1\\nB. 2\\nC. 4","answer":"B","answer_type":"multipleChoice","author_name":"T","rationale":"2 is prime.","raw_subject":"Math","category":"Math","canary":"test canary","has_image":false}
            {"id":"6700a2","question":"How many sides has a hexagon?","answer":"6","answer_type":"exactMatch","author_name":"T","rationale":"By definition.","raw_subject":"Math","category":"Math","canary":"test canary","has_image":false}

            """
        let dataset = try DatasetParser.parse(Data(lines.utf8), fileName: "top.json", spec: BenchmarkCatalog.spec(named: "hle"))
        #expect(dataset.items.map(\.id) == ["6700a1", "6700a2"])
        #expect(dataset.items.map(\.answers) == [["B"], ["6"]])
    }

    @Test func canonicalConfigsOfOldEvaluationsStillDecode() throws {
        let stored = #"{"benchmarks":["gsm8k"],"datasets":{"gsm8k":"abc"},"judge":null,"limit":null,"limits":{"max_model_calls":32,"max_python_calls":5,"max_searches":10,"max_tokens_per_call":4096,"sample_timeout_seconds":600},"prompt_template":"chatml","samples":5,"sampling":{"max_tokens":4096,"repetition_penalty":1.1,"temperature":0.6,"top_k":20,"top_p":0.95},"search":{"backend":"local","top_k":5},"seed":0}"#
        let config = try JSONDecoder().decode(EvaluationConfig.self, from: Data(stored.utf8))
        #expect(config.maxErrorRate == 0.2 && config.extraction == .strict && config.prompt == nil)
        #expect(config.limits.maxContinuations == 3 && config.limits.pythonTimeoutSeconds == 120)
        #expect(config.protocol == "default")
        // A new field changes the canonical form, so the id too.
        var other = config
        other.extraction = .fallbacks
        #expect(try other.canonical().sha256 != config.canonical().sha256)
        #expect(other.protocol == "default+custom")
    }
}
