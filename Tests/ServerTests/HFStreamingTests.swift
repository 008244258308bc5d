import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Trainer

@testable import Server

/// `stream: true` on `aepo serve-model DIR`, over a live connection to the
/// tiny Qwen3 checkpoint: the events carry what the JSON answer carries,
/// never a stop string, and a client that leaves frees its engine slot.
@Suite("Streaming from a Hugging Face checkpoint")
struct HFStreamingTests {
    func serving(maxBatch: Int = 4) throws -> OpenAIServing {
        let loaded = try HFServedCheckpoint(directory: TinyHFCheckpoint.directory, threads: 1)
        let engine = InferenceEngine(
            model: loaded.model, tokenizer: loaded.tokenizer, options: .init(maxBatchSize: maxBatch))
        return OpenAIServing(
            engine: engine, modelName: "tiny-qwen3", chat: loaded.chatFormat, generationDefaults: loaded.generationDefaults)
    }

    /// A choice as the JSON answer or the joined events give it.
    struct Choice: Equatable {
        var text = ""
        var finishReason: String?
        var stopReason: String?
    }

    /// One request's answer, JSON or streamed, reduced to what must agree.
    struct Answer {
        var choices: [Choice] = []
        var usage: [String: Int]?
        /// Streamed only: every piece of text, in order.
        var pieces: [String] = []
    }

    func post(_ client: some TestClientProtocol, _ uri: String, _ body: String) async throws -> TestResponse {
        try await client.execute(
            uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
    }

    /// The non-streamed answer to `fields` (a JSON object's members).
    func whole(_ client: some TestClientProtocol, _ uri: String, _ fields: String) async throws -> Answer {
        let response = try await post(client, uri, "{\(fields)}")
        #expect(response.status == .ok)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
        let choices = (object["choices"] as? [[String: Any]] ?? []).map { choice in
            Choice(
                text: choice["text"] as? String ?? (choice["message"] as? [String: Any])?["content"] as? String ?? "",
                finishReason: choice["finish_reason"] as? String, stopReason: choice["stop_reason"] as? String)
        }
        return Answer(choices: choices, usage: object["usage"] as? [String: Int])
    }

    /// The streamed answer to `fields`, its events checked on the way:
    /// `data:` lines only, one choice per chunk, nothing after a choice's
    /// finish reason, the usage chunk (when asked) and `[DONE]` last.
    func streamed(_ client: some TestClientProtocol, _ uri: String, _ fields: String, usage: Bool = true) async throws -> Answer {
        let options = usage ? #","stream_options":{"include_usage":true}"# : ""
        let response = try await post(client, uri, "{\(fields),\"stream\":true\(options)}")
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
        let text = String(buffer: response.body)
        #expect(text.hasSuffix("data: [DONE]\n\n"))
        var events = text.components(separatedBy: "\n\n").dropLast().map { String($0.dropFirst(6)) }
        #expect(events.popLast() == "[DONE]")
        var answer = Answer()
        let chat = uri.contains("chat")
        if usage {
            let last = try JSONSerialization.jsonObject(with: Data((events.popLast() ?? "").utf8)) as? [String: Any]
            #expect((last?["choices"] as? [Any])?.isEmpty == true)
            answer.usage = last?["usage"] as? [String: Int]
        }
        for event in events {
            let chunk = try #require(try JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any])
            #expect(chunk["object"] as? String == (chat ? "chat.completion.chunk" : "text_completion"))
            #expect(chunk["usage"] == nil)
            let choices = try #require(chunk["choices"] as? [[String: Any]])
            #expect(choices.count == 1)
            let choice = try #require(choices.first)
            let index = try #require(choice["index"] as? Int)
            while answer.choices.count <= index { answer.choices.append(Choice()) }
            #expect(answer.choices[index].finishReason == nil, "a chunk after choice \(index) finished")
            let delta = choice["delta"] as? [String: Any]
            let piece = chat ? delta?["content"] as? String ?? "" : choice["text"] as? String ?? ""
            answer.choices[index].text += piece
            answer.pieces.append(piece)
            answer.choices[index].finishReason = choice["finish_reason"] as? String
            answer.choices[index].stopReason = choice["stop_reason"] as? String
        }
        return answer
    }

    static let completion = #""prompt":"\#(TinyHFCheckpoint.rendered.replacingOccurrences(of: "\n", with: "\\n"))""#
    /// transformers' greedy decoding (generation_config.json's repetition penalty off).
    static let greedy = #""max_tokens":12,"temperature":0,"repetition_penalty":1"#

    @Test("completions: greedy and seeded choices stream what the JSON answer holds")
    func completions() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        try await Application(router: ServeModelCommand.router(api)).test(.live) { client in
            for sampling in [Self.greedy, #""max_tokens":10,"n":3,"seed":7,"temperature":1"#] {
                let fields = Self.completion + "," + sampling
                let expected = try await whole(client, "/v1/completions", fields)
                let answer = try await streamed(client, "/v1/completions", fields)
                #expect(answer.choices == expected.choices, "\(sampling)")
                #expect(answer.usage == expected.usage && answer.usage?["prompt_tokens"] == 40)
            }
            // The greedy text starts with a token that is no UTF-8 on its own, and has
            // CJK characters: the pieces join to the text `tokenizers` decodes.
            let greedy = try await streamed(client, "/v1/completions", Self.completion + "," + Self.greedy)
            #expect(Array(greedy.pieces.joined().unicodeScalars) == Array(TinyHFCheckpoint.greedyText.unicodeScalars))
        }
    }

    @Test("chat: the role first, content deltas joining to each message, finish reasons and usage")
    func chat() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        try await Application(router: ServeModelCommand.router(api)).test(.live) { client in
            let fields = #""messages":\#(TinyHFCheckpoint.messages),"max_tokens":8,"n":2,"seed":7"#
            let expected = try await whole(client, "/v1/chat/completions", fields)
            let answer = try await streamed(client, "/v1/chat/completions", fields)
            #expect(answer.choices == expected.choices)
            #expect(answer.usage == expected.usage)
            #expect(answer.choices.count == 2 && answer.choices.allSatisfy { $0.finishReason == "length" })
            // The first chunk of each choice names the role and nothing else.
            let response = try await post(client, "/v1/chat/completions", "{\(fields),\"stream\":true}")
            let first = String(buffer: response.body).components(separatedBy: "\n\n").prefix(2)
            #expect(first.allSatisfy { $0.contains(#""delta":{"content":"","role":"assistant"}"#) })
            #expect(!String(buffer: response.body).contains(#""usage""#))
        }
    }

    @Test("stop strings end the stream before them and never appear in its text", arguments: [
        "der rea",  // across the second and third " reader"
        "学a",  // a CJK character and the next token's first letter
        "界界",
    ])
    func stopStrings(stop: String) async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        try await Application(router: ServeModelCommand.router(api)).test(.live) { client in
            let fields = Self.completion + "," + Self.greedy + #","stop":["\#(stop)"]"#
            let expected = try await whole(client, "/v1/completions", fields)
            let answer = try await streamed(client, "/v1/completions", fields)
            #expect(answer.choices == expected.choices)
            #expect(answer.choices.first?.finishReason == "stop" && answer.choices.first?.stopReason == stop)
            let text = answer.pieces.joined()
            #expect(!text.contains(stop) && answer.pieces.allSatisfy { !$0.contains(stop) })
            // Nothing of the stop string went out either: the text ends where it begins.
            #expect(TinyHFCheckpoint.greedyText.hasPrefix(text + stop))
        }
    }

    @Test("a request refused before the stream starts is vLLM's JSON error")
    func refusedRequestsAreJSON() async throws {
        let api = try serving()
        defer { api.engine.shutdown() }
        try await Application(router: ServeModelCommand.router(api)).test(.live) { client in
            let response = try await post(
                client, "/v1/chat/completions", #"{"messages":\#(TinyHFCheckpoint.messages),"max_tokens":5000,"stream":true}"#)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/json")
            let error = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            let message = (error?["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.hasPrefix("This model's maximum context length is 4096 tokens."))
            let options = try await post(client, "/v1/completions", "{\(Self.completion),\"stream_options\":{\"include_usage\":true}}")
            #expect(options.status == .badRequest, "stream_options without stream")
        }
    }

    @Test("a client that leaves mid-stream cancels its request: the engine's only slot serves the next one")
    func disconnectFreesTheSlot() async throws {
        let api = try serving(maxBatch: 1)
        defer { api.engine.shutdown() }
        try await Application(router: ServeModelCommand.router(api)).test(.live) { client in
            let port = try #require(client.port)
            // 4000 tokens without EOS would keep the slot for minutes.
            let body = "{\(Self.completion),\"max_tokens\":4000,\"ignore_eos\":true,\"stream\":true}"
            let connection = try RawConnection(port: port)
            connection.send(
                "POST /v1/completions HTTP/1.1\r\nHost: aepo\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let received = await connection.received(until: "\"text\":", seconds: 30)
            #expect(received.hasPrefix("HTTP/1.1 200") && received.contains("data: {"))
            #expect(api.engine.pendingRequests == 1)
            connection.close()
            var waited = 0
            while api.engine.pendingRequests > 0, waited < 500 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            #expect(api.engine.pendingRequests == 0, "the request was still running 5 s after its client left")
            let next = try await whole(client, "/v1/completions", Self.completion + #","max_tokens":3,"temperature":0"#)
            #expect(next.choices.first?.finishReason == "length")
        }
    }
}
