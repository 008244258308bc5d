/// The JSON shapes of the OpenAI-compatible API, with vLLM's extensions.
enum OpenAIWire {
    /// The sampling fields common to `/completions` and `/chat/completions`.
    /// `top_k` is left out when -1 and `repetition_penalty` when 1 (their
    /// neutral values), so a plain OpenAI server accepts a greedy request.
    struct Sampling: Encodable {
        let maxTokens: Int
        let temperature: Double
        let topP: Double
        let topK: Int?
        let repetitionPenalty: Double?
        /// vLLM validates seeds as signed 64-bit integers: a `UInt64` seed
        /// is sent as the `Int64` with the same bits.
        let seed: Int64?
        let n = 1

        init(_ sampling: SamplingParameters, seed: UInt64?) {
            maxTokens = sampling.maxTokens
            temperature = sampling.temperature
            topP = sampling.topP
            topK = sampling.topK == -1 ? nil : sampling.topK
            repetitionPenalty = sampling.repetitionPenalty == 1 ? nil : sampling.repetitionPenalty
            self.seed = seed.map { Int64(bitPattern: $0) }
        }

        enum CodingKeys: String, CodingKey {
            case maxTokens = "max_tokens", temperature, topP = "top_p", topK = "top_k"
            case repetitionPenalty = "repetition_penalty", seed, n
        }
    }

    /// A `/completions` request body.
    struct CompletionsBody: Encodable {
        let model: String
        let prompt: String
        let stop: [String]
        let sampling: Sampling
        /// vLLM: false when the prompt already holds the special tokens.
        var addSpecialTokens = true

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyCodingKey.self)
            try container.encode(model, forKey: AnyCodingKey(stringValue: "model"))
            try container.encode(prompt, forKey: AnyCodingKey(stringValue: "prompt"))
            try container.encode(stop, forKey: AnyCodingKey(stringValue: "stop"))
            if !addSpecialTokens { try container.encode(false, forKey: AnyCodingKey(stringValue: "add_special_tokens")) }
            try sampling.encode(to: encoder)
        }
    }

    /// A `/chat/completions` request body.
    struct ChatBody: Encodable {
        let model: String
        let messages: [ChatMessage]
        let stop: [String]
        let sampling: Sampling
        /// vLLM: continue the final assistant message instead of starting a
        /// new turn.
        let continueFinalMessage: Bool
        /// vLLM's `chat_template_kwargs` (e.g. `enable_thinking`), left out when nil.
        var chatTemplateKwargs: [String: JSONValue]? = nil

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyCodingKey.self)
            try container.encode(model, forKey: AnyCodingKey(stringValue: "model"))
            try container.encode(messages, forKey: AnyCodingKey(stringValue: "messages"))
            if !stop.isEmpty { try container.encode(stop, forKey: AnyCodingKey(stringValue: "stop")) }
            if continueFinalMessage {
                try container.encode(true, forKey: AnyCodingKey(stringValue: "continue_final_message"))
                try container.encode(false, forKey: AnyCodingKey(stringValue: "add_generation_prompt"))
            }
            if let chatTemplateKwargs {
                try container.encode(chatTemplateKwargs, forKey: AnyCodingKey(stringValue: "chat_template_kwargs"))
            }
            try sampling.encode(to: encoder)
        }
    }

    /// The answer of either route.
    struct Answer: Decodable {
        let choices: [Choice]
        let usage: Usage?
    }

    struct Choice: Decodable {
        let text: String?
        let message: Message?
        let finishReason: String?
        let stopReason: StopReason?
        let matchedStop: StopReason?

        enum CodingKeys: String, CodingKey {
            case text, message, finishReason = "finish_reason", stopReason = "stop_reason"
            case matchedStop = "matched_stop"
        }
    }

    struct Message: Decodable {
        let content: String?
    }

    struct Usage: Decodable {
        let promptTokens: Int?
        let completionTokens: Int?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        }
    }

    /// vLLM's `stop_reason` (SGLang's `matched_stop`): the matched stop
    /// string, a stop token id, or null. Only a string is kept.
    struct StopReason: Decodable {
        let text: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            text = try? container.decode(String.self)
        }
    }
}
