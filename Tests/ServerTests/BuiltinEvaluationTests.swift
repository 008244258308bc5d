import Benchmarks
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Trainer

@testable import Server
@testable import ServerCore

@Suite("Evaluating built-in checkpoints")
struct BuiltinEvaluationTests {
    /// Writes an untrained aepo-gpt checkpoint (a valid upload; what it generates does not matter).
    private static func tinyCheckpoint(in directory: URL) throws -> Data {
        let file = directory.appendingPathComponent("tiny.safetensors")
        let model = try GPT(config: GPTConfig(vocabSize: 512, contextLength: 64, layerCount: 1, headCount: 2, modelDimension: 16), seed: 3)
        try Checkpoint.save(
            model, tokenizer: try ByteTokenizer(vocabSize: 512),
            metadata: CheckpointMetadata(algorithm: "sft", task: "synth-arith", step: 1, seed: 3), to: file)
        return try Data(contentsOf: file)
    }

    /// Uploads the tiny checkpoint as `name`, submits `body` and waits for the evaluation to end.
    private static func evaluate(
        _ env: TestEnvironment, client: some TestClientProtocol, name: String, body: String
    ) async throws -> EvaluationView {
        let uploaded = try await client.execute(
            uri: "/api/v1/checkpoints?name=\(name)", method: .put, headers: env.adminHeaders,
            body: ByteBuffer(bytes: try tinyCheckpoint(in: env.directory)))
        #expect(uploaded.status == .created)
        #expect(try uploaded.body.json(CheckpointView.self).metadata["format"] == "aepo-gpt")
        var headers = env.adminHeaders
        headers[.contentType] = "application/json"
        let created = try await client.execute(
            uri: "/api/v1/evaluations", method: .post, headers: headers, body: ByteBuffer(string: body))
        #expect(created.status == .accepted, "\(String(buffer: created.body))")
        var view = try created.body.json(EvaluationView.self)
        let deadline = Date().addingTimeInterval(120)
        while !view.status.isTerminal, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            view = try await client.execute(uri: "/api/v1/evaluations/\(view.id)", method: .get).body.json(EvaluationView.self)
        }
        return view
    }

    @Test func anUploadedAepoGPTCheckpointIsEvaluatedByTheBuiltinEngine() async throws {
        let env = try await TestEnvironment()
        try await env.application().test(.router) { client in
            let view = try await Self.evaluate(
                env, client: client, name: "tiny",
                body: #"{"checkpoint":"tiny","benchmarks":["gsm8k","synth-arith"],"samples":2,"limit":1,"sampling":{"max_tokens":8}}"#)
            #expect(view.config.promptTemplate == .plain)
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(view.progress == .init(done: 4, total: 4))
            // An untrained model gives no boxed answer: every sample is wrong, Pass@1 is 0.
            #expect(view.results.map(\.benchmark) == ["gsm8k", "synth-arith"])
            #expect(view.results.allSatisfy { $0.passAt1 == 0 })
        }
    }

    @Test func aBuiltinCheckpointRunsTheSuitesWithTheSynthAgentSetup() async throws {
        let suites = try BuiltinSuites.published()
        let expert = SuiteExpertModel(suites: SynthTask.allCases.compactMap { suites.suite(named: $0.rawValue) })
        let env = try await TestEnvironment(loadBuiltinModel: { _, _ in expert })
        try await env.application().test(.router) { client in
            let view = try await Self.evaluate(
                env, client: client, name: "expert",
                body: #"{"checkpoint":"expert","benchmarks":["synth-hop","synth-arith"],"samples":2,"limit":3}"#)
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(view.progress == .init(done: 12, total: 12))
            #expect(view.config.benchmarks == ["synth-arith", "synth-hop"])
            #expect(view.config.promptTemplate == .plain)
            #expect(view.config.search.topK == SynthAgent.searchTopK)
            for task in SynthTask.allCases {
                let result = try #require(view.results.first { $0.benchmark == task.rawValue })
                #expect(result.items == 3)
                #expect(result.samples == 2)
                // The expert plays its solution only when it sees SynthAgent's prompt: all correct.
                #expect(result.passAt1 == 1)
                #expect(result.passAt5 == nil, "needs 5 samples per item")
                #expect(result.metric == (task == .arith ? "math-equal" : "em"))
                #expect(result.datasetSHA256 == (try suites.suite(named: task.rawValue)?.dataset(.test).sha256))
            }

            // Plain template, no system prompt: one call per tool call and one for the answer.
            let prompts = expert.receivedPrompts
            let hop = try #require(suites.suite(named: "synth-hop"))
            let arith = try #require(suites.suite(named: "synth-arith"))
            let calls = (arith.test.prefix(3) + hop.test.prefix(3)).reduce(0) { $0 + 2 * ($1.solution.calls.count + 1) }
            #expect(prompts.count == calls)
            #expect(prompts.allSatisfy { !$0.contains(SystemPrompt.english) && !$0.contains("<|im_start|>") })

            struct Samples: Decodable { let samples: [SampleView] }
            let samples = try await client.execute(uri: "/api/v1/evaluations/\(view.id)/samples?limit=100", method: .get)
                .body.json(Samples.self).samples
            #expect(samples.count == 12)
            for sample in samples {
                #expect(sample.correct)
                #expect(sample.trajectory.hasPrefix("<think>"))
                if sample.benchmark == "synth-arith" {
                    #expect(sample.pythonCalls == 1)
                    #expect(sample.searchCalls == 0)
                    // The program ran in the sandbox (where bwrap works: required under scripts/test).
                    let example = try #require(arith.test.first { $0.item.id == sample.item })
                    if ProcessInfo.processInfo.environment["AEPO_REQUIRE_TOOLS"] == "1" {
                        #expect(sample.trajectory.contains("<result>\n\(example.solution.calls[0].expected)"))
                    }
                } else {
                    // Every result block holds the fact the hop needs, from the suite's knowledge
                    // base (the server's local corpus is empty here), 2 hits per query.
                    let example = try #require(hop.test.first { $0.item.id == sample.item })
                    #expect(sample.searchCalls == example.solution.calls.count)
                    let results = sample.trajectory.components(separatedBy: "<result>").dropFirst()
                    #expect(results.count == example.solution.calls.count)
                    for (call, result) in zip(example.solution.calls, results) {
                        #expect(result.contains(call.expected), "\(call.input)")
                        #expect(result.contains("Doc 2") && !result.contains("Doc 3"))
                    }
                }
            }
        }
        await #expect(try env.services.corpus.count() == 0)
    }

    @Test func endpointsGetTheirUsualPromptAndTheSuitesTools() async throws {
        let env = try await TestEnvironment()
        let checkpoint = try await env.services.checkpoints.registerEndpoint(
            name: "remote", url: "http://127.0.0.1:9/v1", model: "m", maxConcurrency: 2).checkpoint.id
        let suites = try BuiltinSuites.published()
        let factory = AgentExecutorFactory(
            config: env.services.config, checkpoints: env.services.checkpoints, corpus: env.services.corpus,
            database: env.services.database, suites: suites, logger: .init(label: "test"))
        let target = try await env.services.checkpoints.checkpoint(id: checkpoint).evaluability()
        var config = try await EvaluationRequest(checkpoint: .id(checkpoint), benchmarks: ["synth-hop", "synth-arith", "gsm8k"])
            .normalised(activeDatasets: try env.services.datasets.activeVersions(), setup: .codeSearch, target: target)
        // Without a template of its own, the endpoint applies the model's (chat completions).
        #expect(config.promptTemplate == .server)
        #expect(config.search.topK == 5)
        config.search.topK = 3
        let executor = try #require(
            try await factory.make(EvaluationJob(id: 1, checkpointID: checkpoint, config: config, concurrency: 2))
                as? AgentSampleExecutor)
        #expect(executor.setup == .codeSearch)
        #expect(executor.setup.systemPrompt(for: SynthTask.hop.spec) == SystemPrompt.english)
        #expect(executor.loops["synth-hop"]?.tools.search is InMemoryBM25)
        #expect(executor.loops["synth-hop"]?.tools.topK == 3)
        #expect(executor.loops["synth-arith"]?.tools.search == nil)
        #expect(executor.loops["synth-arith"]?.tools.python != nil)
        #expect(executor.loops["gsm8k"]?.tools.search is LocalCorpusSearch)
        #expect(executor.loops.values.allSatisfy { ($0.template as? PromptTemplate) == .server })
        #expect(executor.loops.values.allSatisfy { $0.model is OpenAIChatClient })
    }

    @Test func searchHitsFollowTheSetupUnlessTheRequestSetsThem() async throws {
        let env = try await TestEnvironment()
        let active = try await env.services.datasets.activeVersions()
        func topK(_ json: String, _ setup: AgentSetup) throws -> Int {
            try JSONDecoder().decode(EvaluationRequest.self, from: Data(json.utf8))
                .normalised(activeDatasets: active, setup: setup).search.topK
        }
        #expect(try topK(#"{"checkpoint":1,"benchmarks":["synth-hop"]}"#, .builtin) == 2)
        #expect(try topK(#"{"checkpoint":1,"benchmarks":["synth-hop"],"search":{"backend":"local"}}"#, .builtin) == 2)
        #expect(try topK(#"{"checkpoint":1,"benchmarks":["synth-hop"],"search":{"top_k":4}}"#, .builtin) == 4)
        #expect(try topK(#"{"checkpoint":1,"benchmarks":["synth-hop"]}"#, .codeSearch) == 5)
        #expect(try topK(#"{"checkpoint":1,"benchmarks":["synth-hop"],"search":{"top_k":2}}"#, .codeSearch) == 2)
    }
}
