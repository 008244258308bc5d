import Benchmarks
import Foundation

/// The OpenAI-compatible API of a served checkpoint, as JSON in and JSON out
/// (the `aepo serve-model` command puts it behind HTTP). Behaves like vLLM:
///
/// - `/v1/completions`: `prompt` (a string or a list), `max_tokens` (default
///   16), `temperature` (1), `top_p` (1), `top_k` (-1 = off), `n` (1),
///   `stop` (a string or a list), `seed`; each choice has `text` (the matched
///   stop string left out), `finish_reason` (`stop` or `length`) and
///   `stop_reason` (the matched stop string, or null).
/// - `/v1/chat/completions`: `messages` rendered with the built-in `.plain`
///   template (system messages, then user messages, then with
///   `continue_final_message` the final assistant message continued);
///   `max_tokens` defaults to the room left in the context.
///
/// Choice i of prompt p samples with seed `seed + p * n + i` (a random seed
/// when none is given); all choices of a request are batched. `max_tokens`
/// is capped by the context; a prompt that fills it is refused (400).
/// Unknown fields (e.g. `repetition_penalty`, `logprobs`) are ignored.
public struct OpenAIServing: Sendable {
    /// The engine serving the checkpoint.
    public let engine: InferenceEngine
    /// The model name reported in responses and `/v1/models`.
    public let modelName: String

    /// Creates the API over an engine.
    public init(engine: InferenceEngine, modelName: String) {
        self.engine = engine
        self.modelName = modelName
    }

    /// Handles a `/v1/completions` body.
    /// - Returns: the response body.
    /// - Throws: `OpenAIServingError` (its `status` and `body` make the HTTP answer).
    public func completions(_ body: Data) async throws(OpenAIServingError) -> Data {
        let request = try decode(body)
        guard let prompts = request.prompt, !prompts.isEmpty else { throw .badRequest("prompt is required") }
        let choices = try await generate(prompts: prompts, request: request, defaultMaxTokens: 16)
        return response(
            object: "text_completion", prefix: "cmpl", choices: choices, choicesPerPrompt: choices.count / prompts.count
        ) { output in
            ["text": output.text]
        }
    }

    /// Handles a `/v1/chat/completions` body.
    public func chatCompletions(_ body: Data) async throws(OpenAIServingError) -> Data {
        let request = try decode(body)
        guard let messages = request.messages, !messages.isEmpty else { throw .badRequest("messages are required") }
        let system = messages.filter { $0.role == "system" }.map(\.content).joined(separator: "\n")
        let user = messages.filter { $0.role == "user" }.map(\.content).joined(separator: "\n")
        var prompt = SynthAgent.template.render(system: system, question: user)
        if request.continueFinalMessage == true, let last = messages.last, last.role == "assistant" {
            prompt += last.content
        }
        let choices = try await generate(prompts: [prompt], request: request, defaultMaxTokens: Int.max)
        return response(
            object: "chat.completion", prefix: "chatcmpl", choices: choices, choicesPerPrompt: choices.count
        ) { output in
            ["message": ["role": "assistant", "content": output.text]]
        }
    }

    /// The `/v1/models` body.
    public var models: Data {
        let list: [String: Any] = [
            "object": "list",
            "data": [["id": modelName, "object": "model", "owned_by": "aepo", "max_model_len": engine.contextLength]],
        ]
        return (try? JSONSerialization.data(withJSONObject: list, options: [.sortedKeys])) ?? Data()
    }

    private func decode(_ body: Data) throws(OpenAIServingError) -> OpenAIWireRequest {
        do { return try JSONDecoder().decode(OpenAIWireRequest.self, from: body) } catch {
            throw .badRequest("invalid request body: \(error)")
        }
    }

    /// Runs every (prompt, choice) pair concurrently.
    private func generate(
        prompts: [String], request: OpenAIWireRequest, defaultMaxTokens: Int
    ) async throws(OpenAIServingError) -> [EngineOutput] {
        let template = try request.sampling(defaultMaxTokens: defaultMaxTokens)
        let n = try request.choiceCount()
        let base = request.seed.map { UInt64(bitPattern: $0) } ?? UInt64.random(in: 0...UInt64.max)
        let context = engine.contextLength
        var jobs: [EngineRequest] = []
        for (p, text) in prompts.enumerated() {
            let tokens = engine.tokenizer.encodePrompt(text)
            guard tokens.count < context else {
                throw .badRequest(
                    "this model's maximum context length is \(context) tokens; the prompt has \(tokens.count)")
            }
            for i in 0..<n {
                var job = template
                job.prompt = tokens
                job.maxTokens = min(template.maxTokens, context - tokens.count)
                job.seed = base &+ UInt64(p * n + i)
                jobs.append(job)
            }
        }
        let engine = engine
        let results = await withTaskGroup(of: (Int, Result<EngineOutput, EngineError>).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask {
                    do throws(EngineError) {
                        return (index, .success(try await engine.generate(job)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results = [Result<EngineOutput, EngineError>?](repeating: nil, count: jobs.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
        var outputs: [EngineOutput] = []
        for result in results {
            switch result {
            case .success(let output)?: outputs.append(output)
            case .failure(.invalidRequest(let message))?: throw .badRequest(message)
            case .failure(let error)?: throw .unavailable(error.description)
            case nil: throw .unavailable("a choice was not generated")
            }
        }
        return outputs
    }

    private func response(
        object: String, prefix: String, choices: [EngineOutput], choicesPerPrompt: Int,
        content: (EngineOutput) -> [String: Any]
    ) -> Data {
        var list: [[String: Any]] = []
        for (index, output) in choices.enumerated() {
            var choice = content(output)
            choice["index"] = index
            choice["logprobs"] = NSNull()
            choice["finish_reason"] = output.finishReason == .length ? "length" : "stop"
            choice["stop_reason"] = output.matchedStop.map { $0 as Any } ?? NSNull()
            list.append(choice)
        }
        // each prompt counts once, however many choices it has
        let promptTokens = stride(from: 0, to: choices.count, by: max(1, choicesPerPrompt))
            .reduce(0) { $0 + choices[$1].promptTokens }
        let completionTokens = choices.reduce(0) { $0 + $1.tokens.count }
        let body: [String: Any] = [
            "id": "\(prefix)-\(UInt64.random(in: 0...UInt64.max).hexString)", "object": object,
            "created": Int(Date().timeIntervalSince1970), "model": modelName, "choices": list,
            "usage": [
                "prompt_tokens": promptTokens, "completion_tokens": completionTokens,
                "total_tokens": promptTokens + completionTokens,
            ],
        ]
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}

extension UInt64 {
    /// 16 lower-case hex digits.
    var hexString: String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
