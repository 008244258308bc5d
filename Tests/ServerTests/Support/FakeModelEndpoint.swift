import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

@testable import Server
@testable import ServerCore

/// A scripted OpenAI-compatible `/v1/completions` and `/v1/chat/completions`
/// server for tests (chat is rendered as a ChatML model's vLLM would,
/// continuing the final assistant message when asked). Each
/// sample searches once, then answers; whether the answer is right is looked
/// up by the request's seed, so tests know exactly which samples are correct.
/// Like vLLM, it leaves the matched stop string out of the text and reports
/// it as `stop_reason`.
final class FakeModelEndpoint: Sendable {
    /// seed -> answer the model gives for that sample.
    let answers: [UInt64: String]
    let latency: Duration
    /// What the model thinks before its search (page tests put markup here).
    let thinking: String
    /// The answer for a seed missing from `answers`.
    let fallbackAnswer: String
    /// When set, a call without `Authorization: Bearer <key>` gets a 401.
    let requiredKey: String?
    /// Whether the first authorized call gets a 503 whose body echoes the
    /// request's `Authorization` header (a misbehaving proxy).
    let echoesKeyOnce: Bool
    private let counters = Mutex(Counters())

    struct Counters {
        var calls = 0
        var unauthorized = 0
        var echoed = false
        var inFlight = 0
        var maxInFlight = 0
        var firstCallSeeds: [UInt64] = []
    }

    init(
        answers: [UInt64: String], latency: Duration = .zero, thinking: String = "I should look this up.",
        fallbackAnswer: String = "unknown", requiredKey: String? = nil, echoesKeyOnce: Bool = false
    ) {
        self.answers = answers
        self.latency = latency
        self.thinking = thinking
        self.fallbackAnswer = fallbackAnswer
        self.requiredKey = requiredKey
        self.echoesKeyOnce = echoesKeyOnce
    }

    var calls: Int { counters.withLock { $0.calls } }
    /// Calls refused with 401 for want of the key.
    var unauthorized: Int { counters.withLock { $0.unauthorized } }
    var maxInFlight: Int { counters.withLock { $0.maxInFlight } }
    /// Seeds of the samples that were started (first call), in order.
    var startedSamples: [UInt64] { counters.withLock { $0.firstCallSeeds } }

    struct CompletionBody: Decodable {
        var prompt: String
        var seed: UInt64?
        var stop: [String]?
    }

    struct ChatBody: Decodable {
        struct Message: Decodable {
            var role: String
            var content: String
        }

        var messages: [Message]
        var seed: UInt64?
        var stop: [String]?
        var continueFinalMessage: Bool?

        enum CodingKeys: String, CodingKey {
            case messages, seed, stop
            case continueFinalMessage = "continue_final_message"
        }

        /// The prompt a ChatML model's server renders.
        var prompt: String {
            var text = ""
            for (index, message) in messages.enumerated() {
                let open = continueFinalMessage == true && index == messages.count - 1
                text += "<|im_start|>\(message.role)\n\(message.content)" + (open ? "" : "<|im_end|>\n")
            }
            return continueFinalMessage == true ? text : text + "<|im_start|>assistant\n"
        }
    }

    /// A started endpoint. `cancel()` shuts it down gracefully: cancelling
    /// the serving task instead can trap inside NIO when a connection is
    /// being accepted at that moment ("Deinited NIOAsyncWriter without
    /// calling finish()", apple/swift-nio#2637), which an evaluation still
    /// winding down after its test can cause.
    struct Running: Sendable {
        let group: ServiceGroup

        func cancel() {
            Task { await group.triggerGracefulShutdown() }
        }
    }

    /// Serves until `cancel()` is called on the result; returns the bound port.
    func start() async throws -> (port: Int, task: Running) {
        let router = Router()
        router.post("v1/completions") { request, context -> Response in
            if let refusal = self.refusal(request.headers) { return refusal }
            let body = try await request.decode(as: CompletionBody.self, context: context)
            return try await self.complete(body)
        }
        router.post("v1/chat/completions") { request, context -> Response in
            if let refusal = self.refusal(request.headers) { return refusal }
            let body = try await request.decode(as: ChatBody.self, context: context)
            return try await self.complete(CompletionBody(prompt: body.prompt, seed: body.seed, stop: body.stop), chat: true)
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        var logger = Logger(label: "fake-model")
        logger.logLevel = .critical
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        Task { try await group.run() }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return (port, Running(group: group))
    }

    /// The 401 of a call without the key, or the one echoing 503; nil: serve the call.
    private func refusal(_ headers: HTTPFields) -> Response? {
        guard let requiredKey else { return nil }
        let sent = headers[.authorization] ?? ""
        func json(_ text: String, _ status: HTTPResponse.Status) -> Response {
            Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        guard sent == "Bearer \(requiredKey)" else {
            counters.withLock { $0.unauthorized += 1 }
            return json(#"{"error":{"message":"invalid api key","type":"authentication_error","code":401}}"#, .unauthorized)
        }
        let echo = echoesKeyOnce && counters.withLock { counters in
            defer { counters.echoed = true }
            return !counters.echoed
        }
        return echo ? json(#"{"error":"upstream busy; you sent Authorization: \#(sent)"}"#, .serviceUnavailable) : nil
    }

    private func complete(_ body: CompletionBody, chat: Bool = false) async throws -> Response {
        let seed = body.seed ?? 0
        // The system prompt describes <result> too: look at the assistant's turn only.
        let assistantTurn = body.prompt.components(separatedBy: "<|im_start|>assistant").last ?? body.prompt
        let firstCall = !assistantTurn.contains("<result>")
        counters.withLock {
            $0.calls += 1
            $0.inFlight += 1
            $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
            if firstCall { $0.firstCallSeeds.append(seed) }
        }
        defer { counters.withLock { $0.inFlight -= 1 } }
        if latency > .zero { try await Task.sleep(for: latency) }
        let text: String
        let stop: String
        if firstCall {
            text = "<think>\(thinking)</think>\n<search> lookup \(seed) "
            stop = "</search>"
        } else {
            // The agent loop seeds model call k of a sample with seed + k.
            text = "<think>Found it.</think>\n<answer>The answer is \\boxed{\(answers[seed &- 1] ?? fallbackAnswer)}"
            stop = "</answer>"
        }
        var choice: [String: Any] = ["index": 0, "finish_reason": "stop", "stop_reason": stop]
        if chat { choice["message"] = ["role": "assistant", "content": text] } else { choice["text"] = text }
        let json: [String: Any] = [
            "id": "cmpl-\(seed)", "object": chat ? "chat.completion" : "text_completion", "model": "fake",
            "choices": [choice],
            "usage": ["prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20],
        ]
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))))
    }
}
