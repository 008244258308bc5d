/// The deep search's summariser: a model on an OpenAI-compatible chat
/// endpoint (`{"url", "model", "api_key_env"?, "max_tokens"?,
/// "temperature"?}`). The key, if the endpoint wants one, is read from the
/// environment variable `api_key_env` names.
package struct SummarizerSettings: Codable, Sendable, Hashable {
    /// The API base, e.g. `http://host:8001/v1`.
    package var url: String
    /// The served model name.
    package var model: String
    /// The environment variable holding the endpoint's key, if it needs one.
    package var apiKeyEnv: String?
    /// The most tokens of a summary (default 4096, filled in by validation).
    package var maxTokens: Int?
    /// The sampling temperature (default 0, greedy, filled in by validation).
    package var temperature: Double?

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case url, model, temperature
        case apiKeyEnv = "api_key_env"
        case maxTokens = "max_tokens"
    }

    package init(url: String, model: String, apiKeyEnv: String? = nil, maxTokens: Int? = nil, temperature: Double? = nil) {
        self.url = url
        self.model = model
        self.apiKeyEnv = apiKeyEnv
        self.maxTokens = maxTokens
        self.temperature = temperature
    }

    package init(from decoder: any Decoder) throws {
        try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "search.summarizer")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let url = try container.decodeIfPresent(String.self, forKey: .url),
            let model = try container.decodeIfPresent(String.self, forKey: .model)
        else {
            throw SearchSettings.invalid("search.summarizer needs url and model")
        }
        self.url = url
        self.model = model
        apiKeyEnv = try container.decodeIfPresent(String.self, forKey: .apiKeyEnv)
        maxTokens = try container.decodeIfPresent(Int.self, forKey: .maxTokens)
        temperature = try container.decodeIfPresent(Double.self, forKey: .temperature)
    }
}
