import Benchmarks
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Jinja
import Testing

@testable import Server
@testable import ServerCore

/// An uploaded Hugging Face checkpoint evaluated on the built-in engine,
/// from the tar upload to its leaderboard cell.
@Suite("Evaluating an uploaded hf checkpoint")
struct HFEvaluationTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment(hfTensorCheck: BuiltinHFTensorCheck()) }

    func headers(_ contentType: String) -> HTTPFields {
        var headers = env.adminHeaders
        headers[.contentType] = contentType
        return headers
    }

    @Test func uploadEvaluateAndRank() async throws {
        try await env.application().test(.router) { client in
            let archive = TarFixture.archive(try TinyHFCheckpoint.entries(under: "tiny"))
            let uploaded = try await client.execute(
                uri: "/api/v1/checkpoints?name=org/tiny-qwen3", method: .put, headers: headers("application/x-tar"),
                body: ByteBuffer(bytes: archive))
            #expect(uploaded.status == .created)
            let checkpoint = try uploaded.body.json(CheckpointView.self)
            #expect(checkpoint.runnableBy == ["builtin"] && checkpoint.hasChatTemplate == true)
            let imported = try await env.importGSM8K(client)
            #expect(imported.status == .created)

            let created = try await client.execute(
                uri: "/api/v1/evaluations", method: .post, headers: headers("application/json"),
                body: try env.jsonBody([
                    "checkpoint": "org/tiny-qwen3", "benchmarks": ["gsm8k"], "samples": 2,
                    "sampling": ["max_tokens": 12], "limits": ["max_model_calls": 2],
                    "chat_template_kwargs": ["enable_thinking": false],
                ]))
            #expect(created.status == .accepted)
            var view = try created.body.json(EvaluationView.self)
            let template = try ChatTemplate.load(directory: TinyHFCheckpoint.directory)
            // The normalised configuration names the protocol: the model's template, its sampling defaults, the engine.
            #expect(view.config.promptTemplate == .model)
            #expect(view.config.chatTemplateSHA256 == EndpointChatTemplate.sha256(of: template.source))
            #expect(view.config.chatTemplateKwargs == ["enable_thinking": .bool(false)])
            #expect(view.config.engine == "builtin")
            #expect(view.config.sampling == SamplingParameters(temperature: 0.7, topP: 0.8, topK: 30, repetitionPenalty: 1.05, maxTokens: 12))

            view = try await env.waitForEnd(client, id: view.id)
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(view.progress == .init(done: 6, total: 6))
            let result = try #require(view.results.first)
            #expect(result.items == 3 && result.samples == 2 && result.errors == 0)

            let samples = try await env.samples(client, id: view.id)
            #expect(samples.count == 6)
            #expect(samples.allSatisfy { $0.modelCalls >= 1 && $0.error == nil && !$0.trajectory.isEmpty })

            let board = try await client.execute(uri: "/api/v1/leaderboard", method: .get)
            #expect(String(buffer: board.body).contains(#""name":"org/tiny-qwen3""#))
            let page = try await client.execute(uri: "/benchmarks/gsm8k", method: .get)
            #expect(String(buffer: page.body).contains("org/tiny-qwen3"))
        }
    }

    @Test func theLoopRendersTheCheckpointsTemplate() async throws {
        let archive = TarFixture.archive(try TinyHFCheckpoint.entries(under: "tiny"))
        let id: Int64 = try await env.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/checkpoints?name=tiny", method: .put, headers: headers("application/x-tar"),
                body: ByteBuffer(bytes: archive))
            try await env.importGSM8K(client)
            return try response.body.json(CheckpointView.self).id
        }
        let view = try await env.services.checkpoints.checkpoint(id: id)
        let target = try view.evaluability()
        let profile = try await CheckpointProfile.load(
            view, store: env.services.checkpoints, directory: env.services.config.checkpointsDirectory)
        var request = EvaluationRequest(checkpoint: .id(id), benchmarks: ["gsm8k"])
        request.chatTemplateKwargs = ["enable_thinking": .bool(false)]
        let active = try await env.services.datasets.activeVersions()
        let config = try request.normalised(activeDatasets: active, setup: target.setup, target: target, profile: profile)
        let factory = AgentExecutorFactory(
            config: env.services.config, checkpoints: env.services.checkpoints, corpus: env.services.corpus,
            database: env.services.database, suites: try BuiltinSuites.published(), logger: .init(label: "test"))
        let executor = try #require(
            try await factory.make(EvaluationJob(id: 1, checkpointID: id, config: config, concurrency: 1)) as? AgentSampleExecutor)
        let loop = try #require(executor.loops["gsm8k"])
        #expect(loop.contextLength == 4096)
        #expect(!loop.template.addsSpecialTokens)
        let framed = try loop.template.frame(system: "Be brief.", question: "What is 2+3? 你好")
        #expect(framed == TinyHFCheckpoint.renderedWithoutThinking)

        // A request for the server's template is refused on the built-in engine; a fixed framing by name is allowed.
        var server = EvaluationRequest(checkpoint: .id(id), benchmarks: ["gsm8k"])
        server.promptTemplate = .server
        #expect(throws: CoreError.self) {
            try server.normalised(activeDatasets: active, setup: target.setup, target: target, profile: profile)
        }
        var chatml = EvaluationRequest(checkpoint: .id(id), benchmarks: ["gsm8k"])
        chatml.promptTemplate = .chatml
        let named = try chatml.normalised(activeDatasets: active, setup: target.setup, target: target, profile: profile)
        #expect(named.promptTemplate == .chatml && named.chatTemplateSHA256 == nil && named.engine == "builtin")
    }
}
