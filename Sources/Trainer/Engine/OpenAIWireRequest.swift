import Foundation
import Jinja

/// The fields of an OpenAI-compatible request body (`/v1/completions`,
/// `/v1/chat/completions`, `/tokenize`, `/detokenize`) that the built-in
/// engine honours, with vLLM's extensions (`top_k`, `repetition_penalty`,
/// `chat_template_kwargs`, `continue_final_message`, `add_generation_prompt`,
/// `add_special_tokens`, `ignore_eos`), `stream` with `stream_options`,
/// `logprobs` / `top_logprobs`, `logit_bias` and `echo` (completions).
/// Unknown fields are ignored (clients send many), as vLLM does.
struct OpenAIWireRequest {
    /// The scalar fields, decoded with `Codable`.
    struct Fields: Decodable {
        /// `stream_options`: what a stream adds to the text chunks.
        struct StreamOptions: Decodable {
            /// A last chunk with empty `choices` and the request's `usage`.
            let includeUsage: Bool?

            enum CodingKeys: String, CodingKey {
                case includeUsage = "include_usage"
            }
        }

        /// `logprobs`: a count of alternatives (completions) or a flag (chat).
        enum Logprobs: Decodable, Equatable {
            case count(Int)
            case flag(Bool)

            init(from decoder: any Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let count = try? c.decode(Int.self) {
                    self = .count(count)
                } else {
                    self = .flag(try c.decode(Bool.self))
                }
            }
        }

        let prompt: [String]?
        let maxTokens: Int?
        let temperature: Double?
        let topP: Double?
        let topK: Int?
        let repetitionPenalty: Double?
        let n: Int?
        let stop: [String]?
        let seed: Int64?
        let stream: Bool?
        let streamOptions: StreamOptions?
        let continueFinalMessage: Bool?
        let addGenerationPrompt: Bool?
        let addSpecialTokens: Bool?
        let ignoreEOS: Bool?
        let tokens: [Int]?
        let returnTokenStrings: Bool?
        let logprobs: Logprobs?
        let topLogprobs: Int?
        let promptLogprobs: Int?
        let echo: Bool?
        let logitBias: [String: Double]?

        enum CodingKeys: String, CodingKey {
            case prompt, temperature, n, stop, seed, stream, tokens, logprobs
            case maxTokens = "max_tokens"
            case maxCompletionTokens = "max_completion_tokens"
            case streamOptions = "stream_options"
            case topP = "top_p"
            case topK = "top_k"
            case repetitionPenalty = "repetition_penalty"
            case continueFinalMessage = "continue_final_message"
            case addGenerationPrompt = "add_generation_prompt"
            case addSpecialTokens = "add_special_tokens"
            case ignoreEOS = "ignore_eos"
            case returnTokenStrings = "return_token_strs"
            case topLogprobs = "top_logprobs"
            case promptLogprobs = "prompt_logprobs"
            case echo
            case logitBias = "logit_bias"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            prompt = try Self.stringOrList(c, .prompt)
            maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens)
                ?? c.decodeIfPresent(Int.self, forKey: .maxCompletionTokens)
            temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
            topP = try c.decodeIfPresent(Double.self, forKey: .topP)
            topK = try c.decodeIfPresent(Int.self, forKey: .topK)
            repetitionPenalty = try c.decodeIfPresent(Double.self, forKey: .repetitionPenalty)
            n = try c.decodeIfPresent(Int.self, forKey: .n)
            stop = try Self.stringOrList(c, .stop)
            seed = try c.decodeIfPresent(Int64.self, forKey: .seed)
            stream = try c.decodeIfPresent(Bool.self, forKey: .stream)
            streamOptions = try c.decodeIfPresent(StreamOptions.self, forKey: .streamOptions)
            continueFinalMessage = try c.decodeIfPresent(Bool.self, forKey: .continueFinalMessage)
            addGenerationPrompt = try c.decodeIfPresent(Bool.self, forKey: .addGenerationPrompt)
            addSpecialTokens = try c.decodeIfPresent(Bool.self, forKey: .addSpecialTokens)
            ignoreEOS = try c.decodeIfPresent(Bool.self, forKey: .ignoreEOS)
            tokens = try c.decodeIfPresent([Int].self, forKey: .tokens)
            returnTokenStrings = try c.decodeIfPresent(Bool.self, forKey: .returnTokenStrings)
            logprobs = try c.decodeIfPresent(Logprobs.self, forKey: .logprobs)
            topLogprobs = try c.decodeIfPresent(Int.self, forKey: .topLogprobs)
            promptLogprobs = try c.decodeIfPresent(Int.self, forKey: .promptLogprobs)
            echo = try c.decodeIfPresent(Bool.self, forKey: .echo)
            logitBias = try c.decodeIfPresent([String: Double].self, forKey: .logitBias)
        }

        /// A field that may be a string, a list of strings, or null.
        private static func stringOrList(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> [String]? {
            if (try? c.decodeNil(forKey: key)) ?? true { return nil }
            if let text = try? c.decode(String.self, forKey: key) { return [text] }
            return try c.decode([String].self, forKey: key)
        }
    }

    let fields: Fields
    /// `messages`, as the chat template sees them (key order kept).
    let messages: [Value]?
    /// `tools` (JSON schemas), passed to the chat template.
    let tools: [Value]?
    /// `chat_template_kwargs`: extra template variables.
    let chatTemplateKwargs: [String: Value]

    /// Parses a request body.
    /// - Throws: `OpenAIServingError.badRequest` naming what is malformed.
    init(body: Data) throws(OpenAIServingError) {
        do {
            fields = try JSONDecoder().decode(Fields.self, from: body)
        } catch {
            throw .badRequest("invalid request body: \(error)")
        }
        let object: ValueDict
        do {
            guard case .dict(let d) = try Value(json: String(decoding: body, as: UTF8.self)) else {
                throw OpenAIServingError.badRequest("the body must be a JSON object")
            }
            object = d
        } catch let error as OpenAIServingError {
            throw error
        } catch {
            throw .badRequest("invalid request body: \(error)")
        }
        messages = try Self.list(object["messages"], "messages")
        tools = try Self.list(object["tools"], "tools")
        var kwargs: [String: Value] = [:]
        switch object["chat_template_kwargs"] {
        case nil, .none?: break
        case .dict(let d)?:
            for entry in d.entries {
                guard case .string(let key) = entry.key else { continue }
                kwargs[key] = entry.value
            }
        default: throw .badRequest("chat_template_kwargs must be an object")
        }
        chatTemplateKwargs = kwargs
    }

    private static func list(_ value: Value?, _ name: String) throws(OpenAIServingError) -> [Value]? {
        switch value {
        case nil, .none?: return nil
        case .list(let items)?: return items
        default: throw .badRequest("\(name) must be a list")
        }
    }

    /// The sampling settings shared by every choice, checked like vLLM: a
    /// field the request sets wins, then the checkpoint's
    /// `generation_config.json`, then the neutral default.
    /// - Parameters:
    ///   - defaults: the checkpoint's generation defaults.
    ///   - maxTokens: the request's `max_tokens` (with the route's own default, if it has one).
    ///   - fallbackMaxTokens: `max_tokens` when neither the request nor the defaults set it.
    func sampling(
        defaults: HFGenerationDefaults, maxTokens: Int?, fallbackMaxTokens: Int
    ) throws(OpenAIServingError) -> EngineRequest {
        if fields.streamOptions != nil && fields.stream != true {
            throw .badRequest("Stream options can only be defined when `stream=True`.")
        }
        let resolved = defaults.resolve(
            temperature: fields.temperature, topP: fields.topP, topK: fields.topK.map { $0 == -1 ? 0 : $0 },
            repetitionPenalty: fields.repetitionPenalty, maxTokens: maxTokens, fallbackMaxTokens: fallbackMaxTokens)
        guard resolved.maxTokens >= 1 else { throw .badRequest("max_tokens must be at least 1") }
        guard resolved.temperature >= 0, resolved.temperature.isFinite else { throw .badRequest("temperature must be >= 0") }
        guard resolved.topP > 0, resolved.topP <= 1 else { throw .badRequest("top_p must be in (0, 1]") }
        if let topK = fields.topK, topK != -1, topK < 1 { throw .badRequest("top_k must be -1 (off) or >= 1") }
        guard resolved.repetitionPenalty > 0, resolved.repetitionPenalty.isFinite else {
            throw .badRequest("repetition_penalty must be > 0")
        }
        let stop = fields.stop ?? []
        guard !stop.contains("") else { throw .badRequest("stop strings must not be empty") }
        if fields.promptLogprobs != nil {
            throw .badRequest("prompt_logprobs are not supported: this server does not compute the prompt's log-probabilities")
        }
        var request = EngineRequest(
            prompt: [], maxTokens: resolved.maxTokens, temperature: Float(resolved.temperature),
            topP: Float(resolved.topP), topK: resolved.topK, stop: stop, seed: 0, stopAtEOS: fields.ignoreEOS != true,
            repetitionPenalty: Float(resolved.repetitionPenalty))
        for (key, bias) in fields.logitBias ?? [:] {
            guard let id = Int32(key) else { throw .badRequest("logit_bias keys must be token ids, not \"\(key)\"") }
            request.logitBias[id] = Float(bias)
        }
        return request
    }

    /// The alternatives each generated token reports with its
    /// log-probability (nil: no `logprobs`): completions ask with
    /// `logprobs: n`, chat with `logprobs: true` and `top_logprobs: n`
    /// (0 by default), n at most `EngineRequest.mostLogprobs`.
    func logprobs(chat: Bool) throws(OpenAIServingError) -> Int? {
        let most = EngineRequest.mostLogprobs
        if chat {
            if case .count? = fields.logprobs { throw .badRequest("logprobs must be true or false (top_logprobs gives how many alternatives)") }
            let top = fields.topLogprobs ?? 0
            guard (0...most).contains(top) else { throw .badRequest("top_logprobs must be between 0 and \(most)") }
            guard fields.logprobs == .flag(true) else {
                if top > 0 { throw .badRequest("top_logprobs needs logprobs: true") }
                return nil
            }
            return top
        }
        switch fields.logprobs {
        case nil: return nil
        case .flag?: throw .badRequest("logprobs must be a number of alternatives (0 to \(most)) for completions")
        case .count(let n)?:
            guard (0...most).contains(n) else { throw .badRequest("logprobs must be between 0 and \(most)") }
            return n
        }
    }

    /// Whether a completion's text starts with its prompt (`echo`). The
    /// prompt's log-probabilities are not computed, so `echo` with
    /// `logprobs` is refused rather than answered without them.
    func echo(logprobs: Int?) throws(OpenAIServingError) -> Bool {
        guard fields.echo == true else { return false }
        if logprobs != nil {
            throw .badRequest("echo with logprobs needs the prompt's log-probabilities, which this server does not compute")
        }
        return true
    }

    /// The choice count, 1...64.
    func choiceCount() throws(OpenAIServingError) -> Int {
        let n = fields.n ?? 1
        guard (1...64).contains(n) else { throw .badRequest("n must be between 1 and 64") }
        return n
    }
}

/// Why a request to the served model failed; `status` is the HTTP status.
public enum OpenAIServingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A malformed or unsupported request (400).
    case badRequest(String)
    /// The engine is shutting down (503).
    case unavailable(String)

    /// The HTTP status code.
    public var status: Int {
        switch self {
        case .badRequest: 400
        case .unavailable: 503
        }
    }

    public var description: String {
        switch self {
        case .badRequest(let message), .unavailable(let message): message
        }
    }

    /// vLLM's error body: `{"error":{"message","type","param","code"}}`.
    public var body: Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// The error body as a JSON object (also a streamed error chunk's).
    var object: [String: Any] {
        let type = status == 400 ? "BadRequestError" : "ServiceUnavailableError"
        return ["error": ["message": description, "type": type, "param": NSNull(), "code": status]]
    }
}
