import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

@testable import Server
@testable import ServerCore

/// A scripted OpenAI-compatible server that behaves like vLLM where it
/// matters to issue 13: `GET /v1/models` reports `max_model_len`; a sample
/// scripted to overflow gets vLLM's 400 (the prompt alone fills the
/// context); a sample scripted to be cut gets `finish_reason: "length"`
/// mid-thought and is finished by the continuation; stop strings are left
/// out of the text and reported as `stop_reason`. Samples are told apart by
/// the seed of their first call (the loop seeds call k with seed + k).
/// `/v1/chat/completions` serves the agent's calls (those with the agent's
/// stop strings) as vLLM serves a ChatML model, and is a scripted judge
/// otherwise.
final class VLLMStandIn: Sendable {
    enum Behaviour: Sendable, Equatable {
        /// Search, then answer.
        case answer(String)
        /// Every call of the sample answers the context-length 400.
        case overflow
        /// Search, a thought cut by the token limit, then the answer.
        case cut(String)
    }

    enum JudgeScript: Sendable {
        /// "Correct" when the prediction is one of `accepted`, else "Incorrect".
        case plain(accepted: Set<String>)
        /// The same verdicts behind a `<think>` block and a contrary `reasoning_content`.
        case reasoning(accepted: Set<String>)
        /// A 400 for every call.
        case failing
    }

    static let maxModelLen = 3000
    static let cutMarker = "the answer is being written"

    private let state: Mutex<State>
    let latency: Duration
    let judge: JudgeScript

    struct State {
        var behaviours: [UInt64: Behaviour]
        var fallback: Behaviour
        var calls = 0
        var maxTokens: [Int] = []
        var prompts: [String] = []
        var judgeCalls = 0
        var modelListings = 0
        /// Raw bodies of the agent's chat calls and of its completion calls.
        var chatBodies: [String] = []
        var completionBodies: [String] = []
    }

    init(behaviours: [UInt64: Behaviour], fallback: Behaviour = .answer("unknown"), latency: Duration = .zero, judge: JudgeScript = .failing) {
        state = Mutex(State(behaviours: behaviours, fallback: fallback))
        self.latency = latency
        self.judge = judge
    }

    var calls: Int { state.withLock { $0.calls } }
    var maxTokensSent: [Int] { state.withLock { $0.maxTokens } }
    var prompts: [String] { state.withLock { $0.prompts } }
    var judgeCalls: Int { state.withLock { $0.judgeCalls } }
    var modelListings: Int { state.withLock { $0.modelListings } }
    var chatBodies: [String] { state.withLock { $0.chatBodies } }
    var completionBodies: [String] { state.withLock { $0.completionBodies } }

    /// Replaces the script (e.g. an endpoint that was fixed between two runs).
    func rescript(_ behaviours: [UInt64: Behaviour]) {
        state.withLock { $0.behaviours = behaviours }
    }

    struct Body: Decodable {
        var prompt: String
        var seed: UInt64?
        var maxTokens: Int?

        enum CodingKeys: String, CodingKey {
            case prompt, seed
            case maxTokens = "max_tokens"
        }
    }

    func start() async throws -> (port: Int, task: FakeModelEndpoint.Running) {
        let router = Router()
        router.get("v1/models") { _, _ -> Response in
            self.state.withLock { $0.modelListings += 1 }
            return Self.json([
                "object": "list",
                "data": [["id": "fake", "object": "model", "owned_by": "vllm", "max_model_len": Self.maxModelLen]],
            ])
        }
        router.post("v1/completions") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            self.state.withLock { $0.completionBodies.append(String(buffer: buffer)) }
            return try await self.complete(try JSONDecoder().decode(Body.self, from: Data(buffer: buffer)))
        }
        router.post("v1/chat/completions") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            if let chat = try? JSONDecoder().decode(FakeModelEndpoint.ChatBody.self, from: Data(buffer: buffer)),
                chat.stop?.contains("</answer>") == true
            {
                self.state.withLock { $0.chatBodies.append(String(buffer: buffer)) }
                let maxTokens = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])?["max_tokens"] as? Int
                return try await self.complete(Body(prompt: chat.prompt, seed: chat.seed, maxTokens: maxTokens), chat: true)
            }
            return self.judgeReply(String(buffer: buffer))
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        var logger = Logger(label: "vllm-stand-in")
        logger.logLevel = .critical
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        Task { try await group.run() }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return (port, FakeModelEndpoint.Running(group: group))
    }

    private func complete(_ body: Body, chat: Bool = false) async throws -> Response {
        let assistant = body.prompt.components(separatedBy: "<|im_start|>assistant").last ?? body.prompt
        let call: UInt64 = !assistant.contains("<result>") ? 0 : (assistant.contains(Self.cutMarker) ? 2 : 1)
        let seed = body.seed ?? 0
        let behaviour = state.withLock { state -> Behaviour in
            state.calls += 1
            state.maxTokens.append(body.maxTokens ?? 0)
            state.prompts.append(body.prompt)
            return state.behaviours[seed &- call] ?? state.fallback
        }
        if latency > .zero { try await Task.sleep(for: latency) }
        switch (behaviour, call) {
        case (.overflow, _):
            let message = "This model's maximum context length is \(Self.maxModelLen) tokens. However, you requested "
                + "\(Self.maxModelLen + 1 + (body.maxTokens ?? 0)) tokens (\(Self.maxModelLen + 1) in the messages, "
                + "\(body.maxTokens ?? 0) in the completion). Please reduce the length of the messages or completion."
            return Self.json(
                ["object": "error", "message": message, "type": "BadRequestError", "param": NSNull(), "code": 400],
                status: .badRequest)
        case (_, 0):
            return Self.choice("<think>I should look this up.</think>\n<search> lookup \(seed) ", stop: "</search>", chat: chat)
        case (.cut, 1):
            return Self.choice("<think>Found it; \(Self.cutMarker)", finish: "length", chat: chat)
        case (.cut(let answer), _), (.answer(let answer), _):
            let opening = call == 2 ? " down.</think>\n" : "<think>Found it.</think>\n"
            return Self.choice(opening + "<answer>The answer is \\boxed{\(answer)}", stop: "</answer>", chat: chat)
        }
    }

    private func judgeReply(_ body: String) -> Response {
        state.withLock { $0.judgeCalls += 1 }
        // The prediction is on the line "Predicted answer: …" of either mode's prompt.
        let prediction = body.components(separatedBy: "Predicted answer: ").last?
            .prefix { $0 != "\"" && $0 != "\\" }.trimmingCharacters(in: .whitespaces) ?? ""
        func message(_ content: String, reasoning: String? = nil) -> Response {
            var message: [String: Any] = ["role": "assistant", "content": content]
            if let reasoning { message["reasoning_content"] = reasoning }
            return Self.json(["choices": [["index": 0, "message": message, "finish_reason": "stop"]]])
        }
        switch judge {
        case .plain(let accepted):
            return message(accepted.contains(prediction) ? "Correct" : "Incorrect")
        case .reasoning(let accepted):
            let verdict = accepted.contains(prediction) ? "Correct" : "Incorrect"
            let contrary = verdict == "Correct" ? "incorrect" : "correct"
            return message("<think>At first sight \(contrary).</think>\n\(verdict)", reasoning: "It looks \(contrary) to me.")
        case .failing:
            return Self.json(["object": "error", "message": "judge unavailable", "code": 400], status: .badRequest)
        }
    }

    static func choice(_ text: String, stop: String? = nil, finish: String = "stop", chat: Bool = false) -> Response {
        var choice: [String: Any] = ["index": 0, "finish_reason": finish]
        if chat { choice["message"] = ["role": "assistant", "content": text] } else { choice["text"] = text }
        choice["stop_reason"] = stop ?? NSNull()
        return json([
            "id": "cmpl-1", "object": "text_completion", "model": "fake", "choices": [choice],
            "usage": ["prompt_tokens": 400, "completion_tokens": 20, "total_tokens": 420],
        ])
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
