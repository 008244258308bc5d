import Benchmarks
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Trainer

@testable import Server

/// `aepo serve-model DIR` on a Hugging Face checkpoint: vLLM's routes and
/// shapes, against what transformers computes for the tiny fixture.
@Suite("Serving a Hugging Face checkpoint")
struct HFServingTests {
    func serving(_ directory: URL = TinyHFCheckpoint.directory) throws -> OpenAIServing {
        let loaded = try HFServedCheckpoint(directory: directory, threads: 1)
        let engine = InferenceEngine(model: loaded.model, tokenizer: loaded.tokenizer, options: .init(maxBatchSize: 4))
        return OpenAIServing(
            engine: engine, modelName: "tiny-qwen3", chat: loaded.chatFormat, generationDefaults: loaded.generationDefaults)
    }

    func post(_ client: some TestClientProtocol, _ uri: String, _ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let response = try await client.execute(
            uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
        return (response.status, object)
    }

    @Test("greedy decoding gives transformers' tokens")
    func greedyMatchesTransformers() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        let output = try await api.engine.generate(
            EngineRequest(prompt: TinyHFCheckpoint.renderedIDs.map(Int32.init), maxTokens: 10, temperature: 0))
        #expect(output.tokens.map(Int.init) == Array(TinyHFCheckpoint.greedy.prefix(10)))
    }

    @Test("/tokenize renders the checkpoint's template as transformers does; /detokenize inverts it")
    func tokenizeAndDetokenize() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        try await Application(router: ServeModelCommand.router(api)).test(.router) { client in
            let (status, tokens) = try await post(client, "/tokenize", #"{"messages":\#(TinyHFCheckpoint.messages)}"#)
            #expect(status == .ok)
            #expect(tokens["tokens"] as? [Int] == TinyHFCheckpoint.renderedIDs)
            #expect(tokens["count"] as? Int == 40 && tokens["max_model_len"] as? Int == 4096)
            #expect(tokens["token_strs"] is NSNull)

            func detokenize(_ body: String) async throws -> String? {
                let (_, ids) = try await post(client, "/tokenize", body)
                let list = (ids["tokens"] as? [Int] ?? []).map(String.init).joined(separator: ",")
                return try await post(client, "/detokenize", #"{"tokens":[\#(list)]}"#).1["prompt"] as? String
            }
            #expect(try await detokenize(#"{"messages":\#(TinyHFCheckpoint.messages)}"#) == TinyHFCheckpoint.rendered)
            #expect(
                try await detokenize(#"{"messages":\#(TinyHFCheckpoint.messages),"chat_template_kwargs":{"enable_thinking":false}}"#)
                    == TinyHFCheckpoint.renderedWithoutThinking)
            let continuing = TinyHFCheckpoint.messages.dropLast() + #",{"role":"assistant","content":"The answer"}]"#
            #expect(
                try await detokenize(#"{"messages":\#(continuing),"continue_final_message":true,"add_generation_prompt":false}"#)
                    == TinyHFCheckpoint.renderedContinuing)
            #expect(try await detokenize(#"{"prompt":"naïve 123 你好 🙂"}"#) == "naïve 123 你好 🙂")

            let (_, strings) = try await post(client, "/tokenize", #"{"prompt":"<|im_start|>hi","return_token_strs":true}"#)
            #expect((strings["token_strs"] as? [String])?.first == "<|im_start|>")
            let (bad, error) = try await post(client, "/detokenize", #"{"tokens":[5000]}"#)
            #expect(bad == .badRequest && ((error["error"] as? [String: Any])?["message"] as? String)?.contains("5000") == true)
        }
    }

    @Test("chat completions: seeded choices, usage, stop reasons, generation_config defaults, vLLM's overflow 400")
    func chatCompletions() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        try await Application(router: ServeModelCommand.router(api)).test(.router) { client in
            let models = try await client.execute(uri: "/v1/models", method: .get)
            let listing = try JSONSerialization.jsonObject(with: Data(buffer: models.body)) as? [String: Any]
            let entry = (listing?["data"] as? [[String: Any]])?.first
            #expect(entry?["id"] as? String == "tiny-qwen3" && entry?["max_model_len"] as? Int == 4096)
            let body = #"{"messages":\#(TinyHFCheckpoint.messages),"max_tokens":6,"n":2,"seed":7,"stop":["zzz"]}"#
            let (status, first) = try await post(client, "/v1/chat/completions", body)
            #expect(status == .ok)
            let choices = first["choices"] as? [[String: Any]] ?? []
            #expect(choices.count == 2)
            #expect(choices.allSatisfy { ($0["message"] as? [String: Any])?["role"] as? String == "assistant" })
            #expect(choices.allSatisfy { $0["finish_reason"] as? String == "length" && $0["stop_reason"] is NSNull })
            let usage = first["usage"] as? [String: Int] ?? [:]
            #expect(usage["prompt_tokens"] == 40 && usage["completion_tokens"] == 12 && usage["total_tokens"] == 52)
            let (_, again) = try await post(client, "/v1/chat/completions", body)
            func texts(_ answer: [String: Any]) -> [String?] {
                (answer["choices"] as? [[String: Any]] ?? []).map { ($0["message"] as? [String: Any])?["content"] as? String }
            }
            #expect(texts(again) == texts(first))
            // Unset sampling fields come from generation_config.json (0.7, 0.8, 30, 1.05).
            let explicit = #"{"messages":\#(TinyHFCheckpoint.messages),"max_tokens":6,"n":2,"seed":7,"stop":["zzz"],"temperature":0.7,"top_p":0.8,"top_k":30,"repetition_penalty":1.05}"#
            #expect(texts(try await post(client, "/v1/chat/completions", explicit).1) == texts(first))
            let neutral = #"{"messages":\#(TinyHFCheckpoint.messages),"max_tokens":6,"n":2,"seed":7,"temperature":1,"top_p":1,"top_k":-1,"repetition_penalty":1}"#
            #expect(texts(try await post(client, "/v1/chat/completions", neutral).1) != texts(first))

            let (overflow, error) = try await post(
                client, "/v1/chat/completions", #"{"messages":\#(TinyHFCheckpoint.messages),"max_tokens":5000}"#)
            #expect(overflow == .badRequest)
            let message = (error["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(ContextOverflow.parse(message) == ContextOverflow(maxContext: 4096, promptTokens: 40))
            #expect((error["error"] as? [String: Any])?["type"] as? String == "BadRequestError")
        }
    }

    @Test("chat logprobs over HTTP: one entry per generated token, ranked alternatives, the tokens joining to the text")
    func chatLogprobs() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        try await Application(router: ServeModelCommand.router(api)).test(.router) { client in
            let body = #"{"messages":\#(TinyHFCheckpoint.messages),"max_tokens":8,"seed":2,"logprobs":true,"top_logprobs":3}"#
            let (status, answer) = try await post(client, "/v1/chat/completions", body)
            #expect(status == .ok)
            let choice = try #require((answer["choices"] as? [[String: Any]])?.first)
            let content = try #require((choice["logprobs"] as? [String: Any])?["content"] as? [[String: Any]])
            #expect(content.count == (answer["usage"] as? [String: Int])?["completion_tokens"])
            for entry in content {
                let ranked = ((entry["top_logprobs"] as? [[String: Any]]) ?? []).compactMap { $0["logprob"] as? Double }
                #expect(ranked.count == 3 && ranked == ranked.sorted(by: >))
                #expect((entry["logprob"] as? Double ?? 1) <= 0)
            }
            // special tokens (EOS) are entries too, but not text
            let joined = content.compactMap { $0["token"] as? String }.joined()
            let text = (choice["message"] as? [String: Any])?["content"] as? String ?? "-"
            #expect(joined.hasPrefix(text) || text.contains("\u{FFFD}") || joined.contains("\u{FFFD}"))
        }
    }

    @Test("completions add the tokenizer's special tokens unless told not to; a checkpoint without a template refuses chat")
    func completionsAndMissingTemplate() async throws {
        let copy = try TemporaryDirectory.make(prefix: "aepo-hf-")
        defer { try? FileManager.default.removeItem(at: copy) }
        for name in try FileManager.default.contentsOfDirectory(atPath: TinyHFCheckpoint.directory.path) {
            try FileManager.default.copyItem(
                at: TinyHFCheckpoint.directory.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        let config = copy.appendingPathComponent("tokenizer_config.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any] ?? [:]
        object["chat_template"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: config)
        let api = try serving(copy)
        defer { api.engine.shutdown() }
        try await Application(router: ServeModelCommand.router(api)).test(.router) { client in
            let (status, answer) = try await post(
                client, "/v1/completions", #"{"prompt":"\#(TinyHFCheckpoint.rendered.replacingOccurrences(of: "\n", with: "\\n"))","max_tokens":3,"temperature":0}"#)
            #expect(status == .ok)
            #expect((answer["usage"] as? [String: Int])?["prompt_tokens"] == 40, "Qwen's tokenizer adds no BOS")
            let (refused, error) = try await post(client, "/v1/chat/completions", #"{"messages":\#(TinyHFCheckpoint.messages)}"#)
            #expect(refused == .badRequest)
            #expect(((error["error"] as? [String: Any])?["message"] as? String)?.contains("no chat template") == true)
        }
    }
}
