import Foundation

/// What a generation route answers.
public enum OpenAIAnswer: Sendable {
    /// The whole response, as JSON.
    case json(Data)
    /// `stream: true`: server-sent events, written as the choices are generated.
    case events(OpenAIEventStream)
}

/// A streamed `/v1/completions` or `/v1/chat/completions` answer in vLLM's
/// server-sent events: one `data: {json}\n\n` chunk per piece of text of a
/// choice (`object` `text_completion` with `text`, or `chat.completion.chunk`
/// with `delta.content`, after one `delta.role` chunk per choice; with
/// `echo`, a completion's prompt first), the last
/// chunk of each choice with its `finish_reason` and `stop_reason`, choices
/// interleaved by `index`; with `stream_options.include_usage` a chunk with
/// empty `choices` and the `usage`; then `data: [DONE]\n\n`.
///
/// The request was checked when this was made: what can still go wrong is
/// the engine stopping, which ends the stream with an error chunk
/// (`{"error": ...}`) before `[DONE]`, as vLLM's do.
public struct OpenAIEventStream: Sendable {
    /// The route, and what its chunks hold.
    enum Kind: Sendable {
        case completion
        /// The role announced first (`assistant`, or the continued message's).
        case chat(role: String)
    }

    let engine: InferenceEngine
    /// Every choice: prompt p's choice i is `jobs[p * choicesPerPrompt + i]`.
    let jobs: [EngineRequest]
    let choicesPerPrompt: Int
    let kind: Kind
    let model: String
    let includeUsage: Bool
    /// With `echo`, each choice's prompt text, sent as its first chunk.
    let echoed: [String]
    let id: String
    let created = Int(Date().timeIntervalSince1970)

    init(
        engine: InferenceEngine, jobs: [EngineRequest], choicesPerPrompt: Int, kind: Kind, model: String,
        includeUsage: Bool, echoed: [String] = []
    ) {
        self.echoed = echoed
        self.engine = engine
        self.jobs = jobs
        self.choicesPerPrompt = choicesPerPrompt
        self.kind = kind
        self.model = model
        self.includeUsage = includeUsage
        let prefix = if case .chat = kind { "chatcmpl" } else { "cmpl" }
        id = "\(prefix)-\(UInt64.random(in: 0...UInt64.max).hexString)"
    }

    /// Generates every choice, handing each event to `write` as its text
    /// becomes final. The client leaving, `write` throwing or the calling
    /// task being cancelled cancels the choices still generating: their
    /// engine slots are free at the engine's next step.
    /// - Parameters:
    ///   - write: sends the bytes of one or more events.
    ///   - whenClientLeaves: given a function to call (from any thread) once
    ///     the client has gone; the stream then ends with `ClientLeft`.
    /// - Throws: `ClientLeft`, `CancellationError`, or what `write` throws.
    public func run(
        write: (Data) async throws -> Void, whenClientLeaves: (@escaping @Sendable () -> Void) -> Void = { _ in }
    ) async throws {
        if case .chat(let role) = kind {
            for index in jobs.indices {
                try await write(chunk(index: index, text: nil, role: role))
            }
        }
        for (index, prompt) in echoed.enumerated() where !prompt.isEmpty {
            try await write(chunk(index: index, text: prompt))
        }
        // One element per generated token at most: bounded by the choices' max_tokens.
        let (events, sink) = AsyncStream<(index: Int, event: Result<EngineProgress, EngineError>)?>.makeStream()
        // Ended with the stream, so that a late event (or the client leaving) is dropped at once.
        defer { sink.finish() }
        // nil: the client left.
        whenClientLeaves { sink.yield(nil) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, job) in jobs.enumerated() {
                let engine = engine
                group.addTask {
                    do throws(EngineError) {
                        _ = try await engine.generate(job) { sink.yield((index, .success($0))) }
                    } catch {
                        sink.yield((index, .failure(error)))
                    }
                }
            }
            var running = jobs.count
            var completionTokens = 0
            // per choice: logprobs reports sent, and (completions) characters sent
            var reported = [Int](repeating: 0, count: jobs.count), offsets = reported
            for await next in events {
                // Throwing cancels the group's tasks, and so the engine requests.
                guard let (index, event) = next else { throw ClientLeft() }
                switch event {
                case .success(.text(let piece, let reports)):
                    reported[index] += reports.count
                    try await write(chunk(index: index, text: piece, logprobs: logprobs(reports, index, offset: &offsets[index])))
                case .success(.finished(let last, let output)):
                    completionTokens += output.tokens.count
                    let reports = output.tokenLogprobs.dropFirst(reported[index])
                    let logprobs = logprobs(reports, index, offset: &offsets[index])
                    try await write(chunk(index: index, text: last, logprobs: logprobs, finish: output))
                    running -= 1
                case .failure(.cancelled):
                    throw CancellationError()
                case .failure(let error):
                    // The engine stopped: vLLM ends such a stream with the error, then [DONE].
                    group.cancelAll()
                    try await write(Self.event(OpenAIServingError.unavailable(error.description).object))
                    try await write(Self.done)
                    return
                }
                if running == 0 { break }
            }
            // The events end early only when this task is cancelled.
            if running > 0 { throw CancellationError() }
            if includeUsage {
                try await write(usageChunk(completionTokens: completionTokens))
            }
            try await write(Self.done)
        }
    }

    private static let done = Data("data: [DONE]\n\n".utf8)

    /// The client went away before the stream ended.
    public struct ClientLeft: Error, Sendable {}

    /// The `logprobs` of a chunk of choice `index`: null unless its request asked.
    private func logprobs(_ reports: some Collection<TokenLogprobs>, _ index: Int, offset: inout Int) -> Any {
        guard jobs[index].logprobs != nil else { return NSNull() }
        let format = OpenAILogprobs(tokenizer: engine.tokenizer)
        if case .chat = kind { return format.chat(reports) }
        return format.completion(reports, offset: &offset)
    }

    /// One choice's chunk: a piece of text with its tokens' `logprobs`, the
    /// role announcement (`role`), or its last piece with the reasons it
    /// ended (`finish`).
    private func chunk(
        index: Int, text: String?, logprobs: Any = NSNull(), role: String? = nil, finish: EngineOutput? = nil
    ) -> Data {
        var choice: [String: Any] = ["index": index, "logprobs": logprobs]
        choice["finish_reason"] = finish.map { $0.finishReason == .length ? "length" : "stop" } ?? NSNull()
        switch kind {
        case .completion:
            choice["text"] = text ?? ""
            choice["stop_reason"] = finish?.matchedStop ?? NSNull()
        case .chat:
            var delta: [String: Any] = [:]
            if let role { delta["role"] = role }
            delta["content"] = text ?? ""
            choice["delta"] = delta
            if let finish { choice["stop_reason"] = finish.matchedStop ?? NSNull() }
        }
        return Self.event(envelope(choices: [choice]))
    }

    /// The usage chunk: no choices; each prompt counted once, however many choices it has.
    private func usageChunk(completionTokens: Int) -> Data {
        let promptTokens = stride(from: 0, to: jobs.count, by: max(1, choicesPerPrompt)).reduce(0) {
            $0 + jobs[$1].prompt.count
        }
        var object = envelope(choices: [])
        object["usage"] = [
            "prompt_tokens": promptTokens, "completion_tokens": completionTokens,
            "total_tokens": promptTokens + completionTokens,
        ]
        return Self.event(object)
    }

    private func envelope(choices: [[String: Any]]) -> [String: Any] {
        let object = if case .chat = kind { "chat.completion.chunk" } else { "text_completion" }
        return ["id": id, "object": object, "created": created, "model": model, "choices": choices]
    }

    /// `data: {json}` and the blank line that ends an event.
    private static func event(_ object: [String: Any]) -> Data {
        var data = Data("data: ".utf8)
        data.append((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8))
        data.append(contentsOf: "\n\n".utf8)
        return data
    }
}
