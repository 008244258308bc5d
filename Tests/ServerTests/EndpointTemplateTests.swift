import Benchmarks
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Jinja
import Testing

@testable import Server
@testable import ServerCore

/// Endpoints and the model's chat template (issue 13, point 4): a template
/// given at registration is rendered here exactly as transformers renders
/// it; without one, the server applies its own through chat completions.
@Suite("Chat templates of endpoints")
struct EndpointTemplateTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    func post(_ client: some TestClientProtocol, _ uri: String, _ object: [String: Any]) async throws -> TestResponse {
        try await client.execute(
            uri: uri, method: .post, headers: env.jsonHeaders, body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object)))
    }

    /// The tiny checkpoint's tokenizer_config.json (a ChatML template with an `enable_thinking` switch).
    func tokenizerConfig() throws -> [String: Any] {
        let data = try Data(contentsOf: TinyHFCheckpoint.directory.appendingPathComponent("tokenizer_config.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    @Test func registrationTakesATemplateOrATokenizerConfigAndRefusesBadOnes() async throws {
        try await env.application().test(.router) { client in
            let endpoint: [String: Any] = ["url": "http://127.0.0.1:9/v1", "model": "m"]
            let config = try tokenizerConfig()
            var withConfig = endpoint
            withConfig["tokenizer_config"] = config
            let registered = try await post(client, "/api/v1/checkpoints", ["name": "a", "endpoint": withConfig])
            #expect(registered.status == .created)
            let view = try registered.body.json(CheckpointView.self)
            let source = try #require(config["chat_template"] as? String)
            #expect(view.endpoint?.chatTemplateSHA256 == EndpointChatTemplate.sha256(of: source))
            #expect(view.hasChatTemplate == true)
            let stored = try await env.services.checkpoints.endpointChatTemplate(id: view.id)
            #expect(stored?.specialTokens["eos_token"] == "<|im_end|>")

            // The same registration again is the same checkpoint; another template under the name is refused.
            #expect(try await post(client, "/api/v1/checkpoints", ["name": "a", "endpoint": withConfig]).status == .ok)
            var other = endpoint
            other["chat_template"] = "{{ messages[0].content }}"
            #expect(try await post(client, "/api/v1/checkpoints", ["name": "a", "endpoint": other]).status == .conflict)

            var broken = endpoint
            broken["chat_template"] = "{% for m in messages %}{{ m.content }"
            let refused = try await post(client, "/api/v1/checkpoints", ["name": "b", "endpoint": broken])
            #expect(refused.status == .badRequest && String(buffer: refused.body).contains("invalid_chat_template"))
            var both = withConfig
            both["chat_template"] = "x"
            #expect(try await post(client, "/api/v1/checkpoints", ["name": "c", "endpoint": both]).status == .badRequest)
            var named = endpoint
            named["tokenizer_config"] = ["chat_template": [["name": "default", "template": "{{ bos_token }}hi"], ["name": "tool_use", "template": "t"]], "bos_token": "<s>"]
            let list = try await post(client, "/api/v1/checkpoints", ["name": "d", "endpoint": named])
            #expect(list.status == .created)
            #expect(try list.body.json(CheckpointView.self).endpoint?.chatTemplateSHA256 == EndpointChatTemplate.sha256(of: "{{ bos_token }}hi"))
        }
    }

    @Test func aRegisteredTemplateFramesEveryCallWithItsKwargsAndNoAddedSpecialTokens() async throws {
        let model = VLLMStandIn(behaviours: [:], fallback: .answer("5"))
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            try await env.importGSM8K(client)
            let config = try tokenizerConfig()
            let registered = try await post(client, "/api/v1/checkpoints", [
                "name": "templated",
                "endpoint": ["url": "http://127.0.0.1:\(port)/v1", "model": "fake", "tokenizer_config": config],
            ])
            #expect(registered.status == .created)
            let created = try await post(client, "/api/v1/evaluations", [
                "checkpoint": "templated", "benchmarks": ["gsm8k"], "samples": 1, "limit": 1,
                "chat_template_kwargs": ["enable_thinking": false],
            ])
            #expect(created.status == .accepted, "\(String(buffer: created.body))")
            let view = try await env.waitForEnd(client, id: try created.body.json(EvaluationView.self).id)
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(view.config.promptTemplate == .model)
            let template = try ChatTemplate.load(tokenizerConfig: String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self))
            let spec = try BenchmarkDirectory.spec(named: "gsm8k")
            let question = try #require(EvaluationFixture.gsm8k.split(separator: "\n").first.flatMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }?["question"] as? String)
            let expected = try template.render(
                messages: [["role": "system", "content": .string(SystemPrompt.codeSearch(for: spec))], ["role": "user", "content": .string(question)]],
                addGenerationPrompt: true, extra: ["enable_thinking": false])
            #expect(expected.hasSuffix("<|im_start|>assistant\n<think>\n\n</think>\n\n"))
            let first = try #require(model.prompts.first)
            #expect(first == expected)
            #expect(model.prompts.dropFirst().allSatisfy { $0.hasPrefix(expected) })
            #expect(model.completionBodies.allSatisfy { $0.contains(#""add_special_tokens":false"#) })
            #expect(model.chatBodies.isEmpty)
        }
    }

    @Test func withoutATemplateTheServerAppliesItsOwnThroughChatCompletions() async throws {
        let model = VLLMStandIn(behaviours: [:], fallback: .answer("5"))
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            try await env.importGSM8K(client)
            _ = try await post(client, "/api/v1/checkpoints", [
                "name": "plain", "endpoint": ["url": "http://127.0.0.1:\(port)/v1", "model": "fake"],
            ])
            let created = try await post(client, "/api/v1/evaluations", [
                "checkpoint": "plain", "benchmarks": ["gsm8k"], "samples": 1, "limit": 1,
                "chat_template_kwargs": ["enable_thinking": false],
            ])
            let view = try await env.waitForEnd(client, id: try created.body.json(EvaluationView.self).id)
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(view.config.promptTemplate == .server && view.config.chatTemplateSHA256 == nil)
            #expect(model.completionBodies.isEmpty)
            let bodies = model.chatBodies.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(bodies.count == 2)
            #expect(bodies.allSatisfy { ($0["chat_template_kwargs"] as? [String: Bool]) == ["enable_thinking": false] })
            // The first call asks for a new assistant turn; the second continues it after the search result.
            #expect(bodies.first?["continue_final_message"] == nil)
            #expect(bodies.last?["continue_final_message"] as? Bool == true && bodies.last?["add_generation_prompt"] as? Bool == false)
            let last = (bodies.last?["messages"] as? [[String: String]])?.last
            #expect(last?["role"] == "assistant" && last?["content"]?.contains("</search>\n<result>") == true)

            // ChatML is used only when asked for by name.
            let named = try await post(client, "/api/v1/evaluations", [
                "checkpoint": "plain", "benchmarks": ["gsm8k"], "samples": 1, "limit": 1, "prompt_template": "chatml",
            ])
            let chatml = try await env.waitForEnd(client, id: try named.body.json(EvaluationView.self).id)
            #expect(chatml.status == .finished && chatml.config.promptTemplate == .chatml)
            #expect(model.completionBodies.count == 2)
        }
    }
}
