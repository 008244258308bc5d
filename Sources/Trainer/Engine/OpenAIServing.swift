import Foundation
import Jinja

/// The OpenAI-compatible API of a served checkpoint, as JSON in and JSON out
/// (the `aepo serve-model` command puts it behind HTTP). Behaves like vLLM:
///
/// - `/v1/completions`: `prompt` (a string or a list) encoded with the
///   tokenizer's special tokens (`add_special_tokens`, default true),
///   `max_tokens` (default 16);
/// - `/v1/chat/completions`: `messages` rendered with the model's chat
///   template (`tools`, `chat_template_kwargs`, `add_generation_prompt`
///   (default true), `continue_final_message`), encoded without special
///   tokens (the template writes them); `max_tokens` defaults to the room
///   left in the context;
/// - both: `temperature`, `top_p`, `top_k` (-1 = off), `repetition_penalty`
///   default to the checkpoint's `generation_config.json`, then neutral
///   values; `n` (1), `stop` (a string or a list), `seed`, `ignore_eos`;
///   each choice has `text` / `message` (the matched stop string left out),
///   `finish_reason` (`stop` or `length`) and `stop_reason` (the matched
///   stop string, or null); `usage` counts each prompt once;
/// - `stream: true` answers server-sent events as vLLM's do
///   (`OpenAIEventStream`), `stream_options.include_usage` adding the usage;
/// - a prompt that with `max_tokens` passes the context is refused with
///   vLLM's 400 ("This model's maximum context length is ...");
/// - `/tokenize` (a `prompt` or `messages`) and `/detokenize` (`tokens`).
///
/// Choice i of prompt p samples with seed `seed + p * n + i` (a random seed
/// when none is given); all choices of a request are batched. `logprobs`
/// (completions: a count; chat: `true` with `top_logprobs`) give each
/// generated token's log-probability and the most likely alternatives under
/// the model's own distribution (temperature 1, no penalty or truncation:
/// vLLM's default), in OpenAI's shapes. `logit_bias` is added to the
/// logits before the penalty and sampling; `echo` starts a completion's text
/// with its prompt (refused with `logprobs`: the prompt's are not computed,
/// as is `prompt_logprobs`). Other unknown fields are ignored.
public struct OpenAIServing: Sendable {
    /// The engine serving the checkpoint.
    public let engine: InferenceEngine
    /// The model name reported in responses and `/v1/models`.
    public let modelName: String
    /// How chat messages become the prompt.
    public let chat: ChatFormat
    /// The checkpoint's sampling defaults (`generation_config.json`).
    public let generationDefaults: HFGenerationDefaults

    /// Creates the API over an engine.
    /// - Parameters:
    ///   - engine: the engine (its tokenizer encodes and decodes).
    ///   - modelName: the name reported.
    ///   - chat: the chat format (`.plain` for aepo-gpt, the checkpoint's template otherwise).
    ///   - generationDefaults: sampling defaults (none for aepo-gpt).
    public init(
        engine: InferenceEngine, modelName: String, chat: ChatFormat = .plain,
        generationDefaults: HFGenerationDefaults = HFGenerationDefaults()
    ) {
        self.engine = engine
        self.modelName = modelName
        self.chat = chat
        self.generationDefaults = generationDefaults
    }

    /// Handles a `/v1/completions` body.
    /// - Returns: the response body, or (`stream: true`) the events to send;
    ///   a stream starts only once the request has been checked.
    /// - Throws: `OpenAIServingError` (its `status` and `body` make the HTTP answer).
    public func completions(_ body: Data) async throws(OpenAIServingError) -> OpenAIAnswer {
        let request = try OpenAIWireRequest(body: body)
        guard let prompts = request.fields.prompt, !prompts.isEmpty else { throw .badRequest("prompt is required") }
        let addSpecial = request.fields.addSpecialTokens ?? true
        let encoded = prompts.map { engine.tokenizer.encode($0, addSpecialTokens: addSpecial) }
        let logprobs = try request.logprobs(chat: false)
        let echo = try request.echo(logprobs: logprobs)
        let jobs = try plan(prompts: encoded, request: request, defaultMaxTokens: 16, logprobs: logprobs)
        let perPrompt = jobs.count / prompts.count
        // with echo, choice i's text starts with its prompt's
        let echoed = echo ? jobs.indices.map { prompts[$0 / perPrompt] } : []
        if request.fields.stream == true {
            return .events(stream(jobs, choicesPerPrompt: perPrompt, kind: .completion, request: request, echoed: echoed))
        }
        let choices = try await generate(jobs)
        let format = OpenAILogprobs(tokenizer: engine.tokenizer)
        var index = 0
        return .json(response(object: "text_completion", prefix: "cmpl", choices: choices, choicesPerPrompt: perPrompt) {
            defer { index += 1 }
            var offset = 0
            let text = (echoed.isEmpty ? "" : echoed[index]) + $0.text
            return ["text": text, "logprobs": logprobs == nil ? NSNull() : format.completion($0.tokenLogprobs, offset: &offset)]
        })
    }

    /// Handles a `/v1/chat/completions` body (as `completions`).
    public func chatCompletions(_ body: Data) async throws(OpenAIServingError) -> OpenAIAnswer {
        let request = try OpenAIWireRequest(body: body)
        if request.fields.echo == true { throw .badRequest("echo is not supported for chat completions") }
        let prompt = try chatPrompt(request)
        let logprobs = try request.logprobs(chat: true)
        let jobs = try plan(prompts: [prompt], request: request, defaultMaxTokens: nil, logprobs: logprobs)
        let role = Self.responseRole(request)
        if request.fields.stream == true {
            return .events(stream(jobs, choicesPerPrompt: jobs.count, kind: .chat(role: role), request: request))
        }
        let choices = try await generate(jobs)
        let format = OpenAILogprobs(tokenizer: engine.tokenizer)
        return .json(response(object: "chat.completion", prefix: "chatcmpl", choices: choices, choicesPerPrompt: jobs.count) {
            ["message": ["role": role, "content": $0.text], "logprobs": logprobs == nil ? NSNull() : format.chat($0.tokenLogprobs)]
        })
    }

    private func stream(
        _ jobs: [EngineRequest], choicesPerPrompt: Int, kind: OpenAIEventStream.Kind, request: OpenAIWireRequest,
        echoed: [String] = []
    ) -> OpenAIEventStream {
        OpenAIEventStream(
            engine: engine, jobs: jobs, choicesPerPrompt: choicesPerPrompt, kind: kind, model: modelName,
            includeUsage: request.fields.streamOptions?.includeUsage ?? false, echoed: echoed)
    }

    /// vLLM's role of the answer: `assistant` after a generation prompt, else
    /// the role of the message being continued.
    static func responseRole(_ request: OpenAIWireRequest) -> String {
        let continuing = request.fields.continueFinalMessage ?? false
        guard !(request.fields.addGenerationPrompt ?? !continuing),
              case .dict(let last)? = request.messages?.last, case .string(let role)? = last["role"] else {
            return "assistant"
        }
        return role
    }

    /// Handles a `/tokenize` body: `{"prompt", "add_special_tokens"}` or
    /// `{"messages", "add_generation_prompt", "continue_final_message",
    /// "chat_template_kwargs", "add_special_tokens"}`; answers
    /// `{"count", "max_model_len", "tokens", "token_strs"}`.
    public func tokenize(_ body: Data) throws(OpenAIServingError) -> Data {
        let request = try OpenAIWireRequest(body: body)
        let tokens: [Int32]
        if request.messages != nil {
            tokens = try chatPrompt(request)
        } else if let prompt = request.fields.prompt, prompt.count == 1 {
            tokens = engine.tokenizer.encode(prompt[0], addSpecialTokens: request.fields.addSpecialTokens ?? true)
        } else {
            throw .badRequest("tokenize needs a \"prompt\" string or \"messages\"")
        }
        var strings: Any = NSNull()
        if request.fields.returnTokenStrings == true {
            strings = tokens.map { engine.tokenizer.tokenText($0) ?? "" }
        }
        return Self.json([
            "count": tokens.count, "max_model_len": engine.contextLength, "tokens": tokens.map(Int.init),
            "token_strs": strings,
        ])
    }

    /// Handles a `/detokenize` body `{"tokens": [...]}`; answers `{"prompt": text}`.
    public func detokenize(_ body: Data) throws(OpenAIServingError) -> Data {
        let request = try OpenAIWireRequest(body: body)
        guard let tokens = request.fields.tokens else { throw .badRequest("detokenize needs \"tokens\"") }
        if let bad = tokens.first(where: { $0 < 0 || $0 >= engine.vocabularySize }) {
            throw .badRequest("token id \(bad) is outside the vocabulary of \(engine.vocabularySize)")
        }
        let text = engine.tokenizer.decode(tokens.map { Int32($0) }, skipSpecialTokens: false)
        return Self.json(["prompt": text])
    }

    /// The `/v1/models` body.
    public var models: Data {
        Self.json([
            "object": "list",
            "data": [["id": modelName, "object": "model", "owned_by": "aepo", "max_model_len": engine.contextLength]],
        ])
    }

    /// The token ids of a chat request's prompt (special tokens only as the
    /// template writes them, unless `add_special_tokens` asks for more).
    private func chatPrompt(_ request: OpenAIWireRequest) throws(OpenAIServingError) -> [Int32] {
        guard let messages = request.messages, !messages.isEmpty else { throw .badRequest("messages are required") }
        let continuing = request.fields.continueFinalMessage ?? false
        let generationPrompt = request.fields.addGenerationPrompt ?? !continuing
        if continuing && request.fields.addGenerationPrompt == true {
            throw .badRequest("continue_final_message and add_generation_prompt cannot both be true")
        }
        let text = try chat.render(
            messages: messages, tools: request.tools, addGenerationPrompt: generationPrompt,
            continueFinalMessage: continuing, kwargs: request.chatTemplateKwargs)
        let addSpecial = request.fields.addSpecialTokens ?? Self.chatAddsSpecialTokens(chat)
        return engine.tokenizer.encode(text, addSpecialTokens: addSpecial)
    }

    /// Whether a chat prompt gets the tokenizer's special tokens by default:
    /// no for a chat template (it writes BOS itself, as vLLM assumes); yes
    /// for aepo-gpt's plain framing (its model was trained after BOS).
    static func chatAddsSpecialTokens(_ chat: ChatFormat) -> Bool {
        if case .plain = chat { return true }
        return false
    }

    private func response(
        object: String, prefix: String, choices: [EngineOutput], choicesPerPrompt: Int,
        content: (EngineOutput) -> [String: Any]
    ) -> Data {
        var list: [[String: Any]] = []
        for (index, output) in choices.enumerated() {
            var choice = content(output)
            choice["index"] = index
            choice["finish_reason"] = output.finishReason == .length ? "length" : "stop"
            choice["stop_reason"] = output.matchedStop.map { $0 as Any } ?? NSNull()
            list.append(choice)
        }
        // each prompt counts once, however many choices it has
        let promptTokens = stride(from: 0, to: choices.count, by: max(1, choicesPerPrompt))
            .reduce(0) { $0 + choices[$1].promptTokens }
        let completionTokens = choices.reduce(0) { $0 + $1.tokens.count }
        return Self.json([
            "id": "\(prefix)-\(UInt64.random(in: 0...UInt64.max).hexString)", "object": object,
            "created": Int(Date().timeIntervalSince1970), "model": modelName, "choices": list,
            "usage": [
                "prompt_tokens": promptTokens, "completion_tokens": completionTokens,
                "total_tokens": promptTokens + completionTokens,
            ],
        ])
    }

    private static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}

extension UInt64 {
    /// 16 lower-case hex digits.
    var hexString: String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
