import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Trainer

@testable import Server

@Suite("Evaluating built-in checkpoints")
struct BuiltinEvaluationTests {
    let env: TestEnvironment

    init() throws { env = try TestEnvironment() }

    @Test func anUploadedAepoGPTCheckpointIsEvaluatedByTheBuiltinEngine() async throws {
        let file = env.directory.appendingPathComponent("tiny.safetensors")
        let model = try GPT(config: GPTConfig(vocabSize: 512, contextLength: 64, layerCount: 1, headCount: 2, modelDimension: 16), seed: 3)
        try Checkpoint.save(
            model, tokenizer: try ByteTokenizer(vocabSize: 512),
            metadata: CheckpointMetadata(algorithm: "sft", task: "synth-arith", step: 1, seed: 3), to: file)
        try await env.application().test(.router) { client in
            let uploaded = try await client.execute(
                uri: "/api/v1/checkpoints?name=tiny", method: .put, headers: env.adminHeaders,
                body: ByteBuffer(bytes: try Data(contentsOf: file)))
            #expect(uploaded.status == .created)
            #expect(try uploaded.body.json(CheckpointView.self).metadata["format"] == "aepo-gpt")
            var headers = env.adminHeaders
            headers[.contentType] = "application/json"
            let created = try await client.execute(
                uri: "/api/v1/evaluations", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"checkpoint":"tiny","benchmarks":["gsm8k"],"samples":2,"limit":1,"sampling":{"max_tokens":8}}"#))
            #expect(created.status == .accepted, "\(String(buffer: created.body))")
            let id = try created.body.json(EvaluationView.self).id
            var view = try created.body.json(EvaluationView.self)
            #expect(view.config.promptTemplate == .plain)
            let deadline = Date().addingTimeInterval(120)
            while !view.status.isTerminal, Date() < deadline {
                try await Task.sleep(for: .milliseconds(100))
                view = try await client.execute(uri: "/api/v1/evaluations/\(id)", method: .get).body.json(EvaluationView.self)
            }
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(view.progress == .init(done: 2, total: 2))
            // An untrained model gives no boxed answer: both samples are wrong, Pass@1 is 0.
            #expect(view.results.first?.passAt1 == 0)
        }
    }
}
