import Foundation
import Testing
@testable import Trainer

/// `stream: true` on the OpenAI-compatible API, with aepo-gpt's byte
/// tokenizer (whose tokens split characters): the events carry, choice by
/// choice, exactly what the JSON answer does.
@Suite("OpenAI-compatible streaming")
struct OpenAIStreamingTests {
    func serving() throws -> OpenAIServing {
        OpenAIServing(engine: InferenceEngine(model: try engineModel(), tokenizer: try ByteTokenizer()), modelName: "tiny")
    }

    /// The `data:` payloads of a stream, in order.
    func events(_ answer: OpenAIAnswer) async throws -> [String] {
        guard case .events(let stream) = answer else {
            Issue.record("expected a stream")
            return []
        }
        var bytes = Data()
        try await stream.run { bytes.append($0) }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasSuffix("\n\n"))
        return text.components(separatedBy: "\n\n").dropLast().map { event in
            #expect(event.hasPrefix("data: "))
            return String(event.dropFirst(6))
        }
    }

    func json(_ payload: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
    }

    @Test("completions: n choices interleaved by index, each joining to the JSON answer's text, usage, [DONE]")
    func completions() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        let body = #"{"prompt":["Hi","Ho"],"max_tokens":24,"n":3,"seed":7,"temperature":1.2,"stop":["a","bc"]"#
        guard case .json(let whole) = try await api.completions(Data((body + "}").utf8)) else {
            Issue.record("expected JSON")
            return
        }
        let expected = try #require(try JSONSerialization.jsonObject(with: whole) as? [String: Any])
        let expectedChoices = try #require(expected["choices"] as? [[String: Any]])
        let payloads = try await events(
            try await api.completions(Data((body + #","stream":true,"stream_options":{"include_usage":true}}"#).utf8)))
        #expect(payloads.last == "[DONE]")
        var texts = [String](repeating: "", count: 6), finishes = [String?](repeating: nil, count: 6)
        var stops = [String?](repeating: nil, count: 6)
        for payload in payloads.dropLast(2) {
            let chunk = try json(payload)
            #expect(chunk["object"] as? String == "text_completion" && chunk["model"] as? String == "tiny")
            let choice = try #require((chunk["choices"] as? [[String: Any]])?.first)
            let index = try #require(choice["index"] as? Int)
            #expect(finishes[index] == nil, "nothing after a choice's last chunk")
            texts[index] += try #require(choice["text"] as? String)
            finishes[index] = choice["finish_reason"] as? String
            stops[index] = choice["stop_reason"] as? String
        }
        #expect(texts == expectedChoices.map { $0["text"] as? String ?? "-" })
        #expect(finishes == expectedChoices.map { $0["finish_reason"] as? String })
        #expect(stops == expectedChoices.map { $0["stop_reason"] as? String })
        #expect(stops.contains { $0 != nil } && finishes.contains("length"), "both endings are exercised")
        let usage = try json(payloads[payloads.count - 2])
        #expect((usage["choices"] as? [Any])?.isEmpty == true)
        #expect(usage["usage"] as? [String: Int] == expected["usage"] as? [String: Int])
        #expect(try await idle(api.engine))
    }

    /// Whether the engine has answered every request within 10 s (the count
    /// drops at the end of the engine step that answered them).
    func idle(_ engine: InferenceEngine) async throws -> Bool {
        for _ in 0..<1000 where engine.pendingRequests > 0 { try await Task.sleep(for: .milliseconds(10)) }
        return engine.pendingRequests == 0
    }

    @Test("logprobs: the chunks' entries, choice by choice, are the JSON answer's", arguments: [false, true])
    func logprobs(chat: Bool) async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        let body = chat
            ? #"{"messages":[{"role":"user","content":"Q"}],"max_tokens":16,"n":2,"seed":9,"temperature":1.3,"logprobs":true,"top_logprobs":2"#
            : #"{"prompt":"Hi","max_tokens":16,"n":2,"seed":9,"temperature":1.3,"logprobs":2,"stop":["e"]"#
        let send = { (extra: String) async throws -> OpenAIAnswer in
            chat ? try await api.chatCompletions(Data((body + extra).utf8)) : try await api.completions(Data((body + extra).utf8))
        }
        guard case .json(let whole) = try await send("}") else {
            Issue.record("expected JSON")
            return
        }
        let expected = try #require((try json(String(decoding: whole, as: UTF8.self)))["choices"] as? [[String: Any]])
        // per choice: the entries (chat content, or completions' tokens with their offsets)
        var streamed = [[String]](repeating: [], count: 2)
        for payload in try await events(try await send(#","stream":true}"#)).dropLast() {
            guard let choice = (try json(payload)["choices"] as? [[String: Any]])?.first, let index = choice["index"] as? Int,
                  let logprobs = choice["logprobs"] as? [String: Any] else { continue }
            streamed[index] += Self.entries(logprobs, chat: chat)
        }
        for (index, choice) in expected.enumerated() {
            let entries = Self.entries(try #require(choice["logprobs"] as? [String: Any]), chat: chat)
            #expect(!entries.isEmpty && streamed[index] == entries, "choice \(index)")
        }
    }

    /// One comparable string per token of a `logprobs` object.
    static func entries(_ logprobs: [String: Any], chat: Bool) -> [String] {
        if chat {
            return ((logprobs["content"] as? [[String: Any]]) ?? []).map { entry in
                let top = ((entry["top_logprobs"] as? [[String: Any]]) ?? []).map { "\($0["token"] ?? ""):\($0["logprob"] ?? "")" }
                return "\(entry["token"] ?? "") \(entry["logprob"] ?? "") \(entry["bytes"] ?? "") \(top)"
            }
        }
        let tokens = logprobs["tokens"] as? [String] ?? [], values = logprobs["token_logprobs"] as? [Double] ?? []
        let offsets = logprobs["text_offset"] as? [Int] ?? [], top = logprobs["top_logprobs"] as? [[String: Double]] ?? []
        return tokens.indices.map { "\(tokens[$0]) \(values[$0]) \(offsets[$0]) \(top[$0].sorted { $0.key < $1.key })" }
    }

    @Test("chat: the role first for every choice, then content deltas; no usage unless asked")
    func chat() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        let body = #"{"messages":[{"role":"user","content":"Q"}],"max_tokens":10,"n":2,"seed":3,"stream":true}"#
        let payloads = try await events(try await api.chatCompletions(Data(body.utf8)))
        #expect(payloads.last == "[DONE]")
        let chunks = try payloads.dropLast().map(json)
        #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" && $0["usage"] == nil })
        let deltas = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first }
        #expect(deltas.prefix(2).map { $0["index"] as? Int } == [0, 1])
        #expect(deltas.prefix(2).allSatisfy { ($0["delta"] as? [String: String]) == ["role": "assistant", "content": ""] })
        #expect(deltas.dropFirst(2).allSatisfy { ($0["delta"] as? [String: String])?["role"] == nil })
        #expect(deltas.filter { $0["finish_reason"] is String }.count == 2)
    }

    @Test("an engine that stops once the stream has started ends it with vLLM's error chunk, then [DONE]")
    func engineStoppingAfterTheStreamStarted() async throws {
        let api = try serving()
        let body = #"{"messages":[{"role":"user","content":"Q"}],"max_tokens":40,"stream":true}"#
        guard case .events(let stream) = try await api.chatCompletions(Data(body.utf8)) else {
            Issue.record("expected a stream")
            return
        }
        var payloads: [String] = []
        // Stopped once the role chunk is out, before the choice reaches the engine.
        try await stream.run { data in
            if payloads.isEmpty { api.engine.shutdown() }
            payloads += String(decoding: data, as: UTF8.self).components(separatedBy: "\n\n").dropLast()
        }
        #expect(payloads.count == 3 && payloads.last == "data: [DONE]")
        let error = try json(String(try #require(payloads.dropLast().last).dropFirst(6)))
        #expect((error["error"] as? [String: Any])?["code"] as? Int == 503)
    }

    @Test("a request the engine would refuse is an error before any stream")
    func refusedBeforeStreaming() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        let long = #"{"prompt":"\#(String(repeating: "z", count: 80))","stream":true}"#
        await #expect(throws: OpenAIServingError.self) { try await api.completions(Data(long.utf8)) }
        #expect(api.engine.pendingRequests == 0)
    }
}
