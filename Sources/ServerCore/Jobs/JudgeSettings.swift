import Benchmarks

/// An LLM judge on an OpenAI-compatible chat endpoint, its rules and how it samples.
package struct JudgeSettings: Codable, Sendable, Hashable {
    package var url: String
    package var model: String
    /// `strict` (this project's grader) or `authors` (the AEPO authors' rules).
    package var mode: JudgeMode
    /// The judge's sampling; nil: the mode's default (``JudgeMode/defaultSampling``).
    package var sampling: SamplingParameters?
    /// The server environment variable holding the judge endpoint's key, if
    /// it needs one (``KeyVariable``): the name is part of the
    /// configuration, the key never is.
    package var apiKeyEnv: String?

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case url, model, mode, sampling
        case apiKeyEnv = "api_key_env"
    }

    package init(
        url: String, model: String, mode: JudgeMode = .strict, sampling: SamplingParameters? = nil, apiKeyEnv: String? = nil
    ) {
        self.url = url
        self.model = model
        self.mode = mode
        self.sampling = sampling
        self.apiKeyEnv = apiKeyEnv
    }

    package init(from decoder: any Decoder) throws {
        try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "judge")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        model = try container.decode(String.self, forKey: .model)
        mode = try container.decodeIfPresent(JudgeMode.self, forKey: .mode) ?? .strict
        sampling = try container.decodeIfPresent(SamplingParameters.self, forKey: .sampling)
        apiKeyEnv = try container.decodeIfPresent(String.self, forKey: .apiKeyEnv)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(url, forKey: .url)
        try container.encode(model, forKey: .model)
        try container.encode(mode, forKey: .mode)
        try container.encode(sampling, forKey: .sampling)
        // Left out when unset, so configurations stored before it existed keep their identity.
        try container.encodeIfPresent(apiKeyEnv, forKey: .apiKeyEnv)
    }

    /// The sampling the judge is called with.
    package var effectiveSampling: SamplingParameters { sampling ?? mode.defaultSampling }
}
