import Foundation
import Testing
@testable import Trainer

@Suite("OpenAI-compatible serving")
struct OpenAIServingTests {
    func serving() throws -> OpenAIServing {
        let engine = InferenceEngine(model: try engineModel(), tokenizer: try ByteTokenizer())
        return OpenAIServing(engine: engine, modelName: "tiny")
    }

    func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func object(_ answer: OpenAIAnswer) throws -> [String: Any] {
        guard case .json(let data) = answer else {
            Issue.record("expected a JSON answer, got a stream")
            return [:]
        }
        return try object(data)
    }

    @Test("completions: n choices with their own seeds, usage, finish and stop reasons")
    func completions() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        let body = #"{"model":"tiny","prompt":"Hi","max_tokens":12,"n":3,"seed":7,"temperature":1,"stop":["a","b"],"repetition_penalty":1.1}"#
        let first = try object(try await api.completions(Data(body.utf8)))
        let again = try object(try await api.completions(Data(body.utf8)))
        let choices = try #require(first["choices"] as? [[String: Any]])
        #expect(choices.count == 3 && first["object"] as? String == "text_completion" && first["model"] as? String == "tiny")
        #expect(choices.map { $0["text"] as? String } == (again["choices"] as? [[String: Any]])?.map { $0["text"] as? String })
        #expect(choices.map { $0["index"] as? Int } == [0, 1, 2])
        for choice in choices {
            let finish = try #require(choice["finish_reason"] as? String)
            if let stop = choice["stop_reason"] as? String {
                #expect(finish == "stop" && ["a", "b"].contains(stop))
            } else {
                #expect(choice["stop_reason"] is NSNull)
            }
        }
        let usage = try #require(first["usage"] as? [String: Int])
        #expect(usage["prompt_tokens"] == 3)
        #expect(usage["total_tokens"] == (usage["prompt_tokens"] ?? 0) + (usage["completion_tokens"] ?? 0))
    }

    @Test("chat: the plain template, continuing the final assistant message")
    func chat() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        let body = #"{"messages":[{"role":"user","content":"Q"},{"role":"assistant","content":"<think>"}],"continue_final_message":true,"add_generation_prompt":false,"max_tokens":5,"seed":1}"#
        let answer = try object(try await api.chatCompletions(Data(body.utf8)))
        let choice = try #require((answer["choices"] as? [[String: Any]])?.first)
        #expect((choice["message"] as? [String: String])?["role"] == "assistant")
        // BOS + "Q\n" + <think>
        #expect((answer["usage"] as? [String: Int])?["prompt_tokens"] == 4)
    }

    @Test("bad requests are 400s with an OpenAI error body", arguments: [
        #"{"prompt":"x","stream_options":{"include_usage":true}}"#, #"{"prompt":"x","n":0}"#, #"{"max_tokens":3}"#,
        #"{"prompt":"x","top_p":0}"#, #"{"prompt":"x","top_k":0}"#, #"not json"#,
    ])
    func badRequests(body: String) async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        await #expect(throws: OpenAIServingError.self) { try await api.completions(Data(body.utf8)) }
        let error = OpenAIServingError.badRequest("nope")
        let decoded = try object(error.body)
        #expect((decoded["error"] as? [String: Any])?["code"] as? Int == 400 && error.status == 400)
    }

    @Test("completions: logprobs n gives each token's log-probability, its alternatives and text offsets")
    func completionLogprobs() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        let body = #"{"prompt":"Hi","max_tokens":9,"temperature":0,"logprobs":3,"n":2}"#
        let answer = try object(try await api.completions(Data(body.utf8)))
        let choices = try #require(answer["choices"] as? [[String: Any]])
        let completionTokens = try #require((answer["usage"] as? [String: Int])?["completion_tokens"])
        var counted = 0
        for choice in choices {
            let logprobs = try #require(choice["logprobs"] as? [String: Any])
            let tokens = try #require(logprobs["tokens"] as? [String])
            let values = try #require(logprobs["token_logprobs"] as? [Double])
            let top = try #require(logprobs["top_logprobs"] as? [[String: Double]])
            let offsets = try #require(logprobs["text_offset"] as? [Int])
            counted += tokens.count
            #expect(values.count == tokens.count && top.count == tokens.count && offsets.count == tokens.count)
            #expect(offsets.first == 0)
            for i in tokens.indices {
                #expect(values[i] <= 0)
                // greedy: the token is the most likely, so its own entry is the top one
                #expect(top[i][tokens[i]] == values[i] && top[i].values.max() == values[i])
                #expect((1...4).contains(top[i].count))
                if i > 0 { #expect(offsets[i] - offsets[i - 1] == tokens[i - 1].unicodeScalars.count) }
            }
        }
        #expect(counted == completionTokens)
        // no logprobs asked: null
        let plain = try object(try await api.completions(Data(#"{"prompt":"Hi","max_tokens":2}"#.utf8)))
        #expect((plain["choices"] as? [[String: Any]])?.first?["logprobs"] is NSNull)
    }

    @Test("chat: logprobs true with top_logprobs gives content entries with bytes and ranked alternatives")
    func chatLogprobs() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        let body = #"{"messages":[{"role":"user","content":"Q"}],"max_tokens":6,"seed":5,"logprobs":true,"top_logprobs":2}"#
        let answer = try object(try await api.chatCompletions(Data(body.utf8)))
        let choice = try #require((answer["choices"] as? [[String: Any]])?.first)
        let content = try #require((choice["logprobs"] as? [String: Any])?["content"] as? [[String: Any]])
        #expect(content.count == (answer["usage"] as? [String: Int])?["completion_tokens"])
        for entry in content {
            let token = try #require(entry["token"] as? String)
            #expect(entry["bytes"] as? [Int] == token.utf8.map(Int.init))
            let logprob = try #require(entry["logprob"] as? Double)
            let alternatives = try #require(entry["top_logprobs"] as? [[String: Any]])
            let ranked = alternatives.compactMap { $0["logprob"] as? Double }
            #expect(alternatives.count == 2 && ranked == ranked.sorted(by: >) && logprob <= (ranked.first ?? 0))
        }
        // logprobs without alternatives: empty top_logprobs
        let bare = try object(try await api.chatCompletions(Data(
            #"{"messages":[{"role":"user","content":"Q"}],"max_tokens":2,"logprobs":true}"#.utf8)))
        let entries = (((bare["choices"] as? [[String: Any]])?.first?["logprobs"] as? [String: Any])?["content"] as? [[String: Any]]) ?? []
        #expect(!entries.isEmpty && entries.allSatisfy { ($0["top_logprobs"] as? [Any])?.isEmpty == true })
    }

    @Test("logprobs, echo and logit_bias the route does not take are 400s", arguments: [
        (false, #"{"prompt":"x","logprobs":21}"#), (false, #"{"prompt":"x","logprobs":-1}"#),
        (false, #"{"prompt":"x","logprobs":true}"#), (true, #"{"messages":[{"role":"user","content":"Q"}],"logprobs":2}"#),
        (true, #"{"messages":[{"role":"user","content":"Q"}],"top_logprobs":3}"#),
        (true, #"{"messages":[{"role":"user","content":"Q"}],"logprobs":true,"top_logprobs":21}"#),
        (false, #"{"prompt":"x","echo":true,"logprobs":1}"#), (false, #"{"prompt":"x","prompt_logprobs":1}"#),
        (true, #"{"messages":[{"role":"user","content":"Q"}],"echo":true}"#),
        (false, #"{"prompt":"x","logit_bias":{"x":1}}"#), (false, #"{"prompt":"x","logit_bias":{"100000":1}}"#),
        (false, #"{"prompt":"x","logit_bias":{"65":-101}}"#),
    ])
    func badLogprobs(chat: Bool, body: String) async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        await #expect(throws: OpenAIServingError.self) {
            if chat { _ = try await api.chatCompletions(Data(body.utf8)) } else { _ = try await api.completions(Data(body.utf8)) }
        }
    }

    @Test("logit_bias: a +100 token is every greedy token")
    func logitBias() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        let id = try #require(api.engine.tokenizer.encode("A", addSpecialTokens: false).first)
        let body = #"{"prompt":"Hi","max_tokens":5,"temperature":0,"ignore_eos":true,"logit_bias":{"\#(id)":100}}"#
        let answer = try object(try await api.completions(Data(body.utf8)))
        #expect((answer["choices"] as? [[String: Any]])?.first?["text"] as? String == "AAAAA")
    }

    @Test("echo: the completion's text starts with its prompt, streamed first")
    func echo() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        let body = #"{"prompt":["Hi","Yo"],"max_tokens":4,"seed":3,"echo":true"#
        let answer = try object(try await api.completions(Data((body + "}").utf8)))
        let texts = ((answer["choices"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }
        #expect(texts.count == 2 && texts[0].hasPrefix("Hi") && texts[1].hasPrefix("Yo"))
        let plain = try object(try await api.completions(Data((body.replacingOccurrences(of: #","echo":true"#, with: "") + "}").utf8)))
        // the same seeded choices without the prompts ("Hi", "Yo": two characters each)
        #expect(((plain["choices"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String } == texts.map { String($0.dropFirst(2)) })
        guard case .events(let stream) = try await api.completions(Data((body + #","stream":true}"#).utf8)) else {
            Issue.record("expected a stream")
            return
        }
        var bytes = Data()
        try await stream.run { bytes.append($0) }
        var streamed = ["", ""]
        for event in String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n\n") where event.hasPrefix("data: {") {
            let chunk = try object(Data(event.dropFirst(6).utf8))
            guard let choice = (chunk["choices"] as? [[String: Any]])?.first, let index = choice["index"] as? Int else { continue }
            streamed[index] += choice["text"] as? String ?? ""
        }
        #expect(streamed == texts)
    }

    @Test("a prompt that fills the context is refused")
    func longPrompt() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        let body = #"{"prompt":"\#(String(repeating: "z", count: 80))"}"#
        await #expect(throws: OpenAIServingError.self) { try await api.completions(Data(body.utf8)) }
    }
}
