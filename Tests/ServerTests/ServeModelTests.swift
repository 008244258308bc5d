import Benchmarks
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Trainer

@testable import Server
@testable import ServerCore

@Suite("aepo serve-model")
struct ServeModelTests {
    func application() throws -> (some ApplicationProtocol, InferenceEngine) {
        let model = try GPT(
            config: GPTConfig(vocabSize: 512, contextLength: 64, layerCount: 1, headCount: 2, modelDimension: 16), seed: 2)
        let engine = InferenceEngine(model: model, tokenizer: try ByteTokenizer())
        let router = ServeModelCommand.router(OpenAIServing(engine: engine, modelName: "tiny"))
        return (Application(router: router), engine)
    }

    @Test("routes answer JSON; bad input is a 400 with an error body")
    func routes() async throws {
        let (app, engine) = try application()
        defer { engine.shutdown() }
        try await app.test(.router) { client in
            let models = try await client.execute(uri: "/v1/models", method: .get)
            #expect(models.status == .ok && String(buffer: models.body).contains(#""id":"tiny""#))
            let ok = try await client.execute(
                uri: "/v1/completions", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"prompt":"hi","max_tokens":4,"seed":1}"#))
            #expect(ok.status == .ok && String(buffer: ok.body).contains(#""object":"text_completion""#))
            let bad = try await client.execute(
                uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: #"{"messages":[]}"#))
            #expect(bad.status == .badRequest && String(buffer: bad.body).contains("BadRequestError"))
        }
    }

    @Test("the Benchmarks OpenAI completions client drives the agent loop against it")
    func agentLoopOverHTTP() async throws {
        let (app, engine) = try application()
        defer { engine.shutdown() }
        try await app.test(.live) { client in
            let endpoint = OpenAIEndpoint(baseURL: "http://127.0.0.1:\(client.port ?? 0)/v1", model: "tiny")
            let loop = AgentLoop(
                model: OpenAICompletionsClient(endpoint: endpoint),
                sampling: SamplingParameters(repetitionPenalty: 1, maxTokens: 8), template: PromptTemplate.plain)
            let run = try await loop.run(question: "2+2?", system: "", seed: 3)
            let direct = try await AgentLoop(
                model: BuiltinModel(engine: engine, metadata: CheckpointMetadata(algorithm: "sft", task: "t", step: 0, seed: 0)),
                sampling: SamplingParameters(repetitionPenalty: 1, maxTokens: 8), template: PromptTemplate.plain
            ).run(question: "2+2?", system: "", seed: 3)
            #expect(run.trajectory == direct.trajectory && run.modelCalls >= 1)
        }
    }
}
