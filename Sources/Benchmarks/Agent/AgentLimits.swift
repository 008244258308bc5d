/// Per-sample limits of the agent loop (BENCHMARKS.md, limits).
///
/// Decoded from snake_case JSON; a missing key takes its default, an unknown
/// key or a non-positive value is an error.
public struct AgentLimits: Sendable, Hashable, Codable {
    /// Search calls answered per sample; later ones get a "limit reached"
    /// result (default 10).
    public var maxSearches: Int
    /// Python calls run per sample; later ones get a "limit reached" result
    /// (default 5).
    public var maxPythonCalls: Int
    /// The most tokens one model call may generate; caps the sampling
    /// parameters' `maxTokens` (default 4096).
    public var maxTokensPerCall: Int
    /// Model calls per sample; the loop stops with `.callLimit` when they
    /// are used up (default 32).
    public var maxModelCalls: Int
    /// Wall-clock budget of one sample in seconds, model and tool calls
    /// included; the loop stops with `.timeout` (default 600).
    public var sampleTimeoutSeconds: Double
    /// More calls made for a turn that ended on the token limit without a
    /// closing tag, each continuing the text so far (default 3: four calls
    /// per turn at most, as in the AEPO authors' evaluation); 0 ends the
    /// sample with `.length` at once.
    public var maxContinuations: Int
    /// Wall-clock limit of one python call in seconds (default 120).
    public var pythonTimeoutSeconds: Double

    /// Creates limits; every argument has the default above.
    public init(
        maxSearches: Int = 10, maxPythonCalls: Int = 5, maxTokensPerCall: Int = 4096,
        maxModelCalls: Int = 32, sampleTimeoutSeconds: Double = 600, maxContinuations: Int = 3,
        pythonTimeoutSeconds: Double = 120
    ) {
        self.maxSearches = maxSearches
        self.maxPythonCalls = maxPythonCalls
        self.maxTokensPerCall = maxTokensPerCall
        self.maxModelCalls = maxModelCalls
        self.sampleTimeoutSeconds = sampleTimeoutSeconds
        self.maxContinuations = maxContinuations
        self.pythonTimeoutSeconds = pythonTimeoutSeconds
    }

    /// The sample's wall-clock budget as a `Duration`.
    public var sampleTimeout: Duration {
        .milliseconds(Int64((sampleTimeoutSeconds * 1000).rounded()))
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxSearches = "max_searches"
        case maxPythonCalls = "max_python_calls"
        case maxTokensPerCall = "max_tokens_per_call"
        case maxModelCalls = "max_model_calls"
        case sampleTimeoutSeconds = "sample_timeout_seconds"
        case maxContinuations = "max_continuations"
        case pythonTimeoutSeconds = "python_timeout_seconds"
    }

    /// Decodes the limits, rejecting unknown keys, negative call limits and
    /// non-positive token, model-call and timeout limits.
    public init(from decoder: any Decoder) throws {
        try StrictKeys.reject(decoder, allowing: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = AgentLimits()
        maxSearches = try container.decodeIfPresent(Int.self, forKey: .maxSearches) ?? defaults.maxSearches
        maxPythonCalls = try container.decodeIfPresent(Int.self, forKey: .maxPythonCalls) ?? defaults.maxPythonCalls
        maxTokensPerCall =
            try container.decodeIfPresent(Int.self, forKey: .maxTokensPerCall) ?? defaults.maxTokensPerCall
        maxModelCalls = try container.decodeIfPresent(Int.self, forKey: .maxModelCalls) ?? defaults.maxModelCalls
        sampleTimeoutSeconds =
            try container.decodeIfPresent(Double.self, forKey: .sampleTimeoutSeconds)
            ?? defaults.sampleTimeoutSeconds
        maxContinuations =
            try container.decodeIfPresent(Int.self, forKey: .maxContinuations) ?? defaults.maxContinuations
        pythonTimeoutSeconds =
            try container.decodeIfPresent(Double.self, forKey: .pythonTimeoutSeconds) ?? defaults.pythonTimeoutSeconds
        let bounds: [(CodingKeys, Int, ClosedRange<Int>)] = [
            (.maxSearches, maxSearches, 0...1000), (.maxPythonCalls, maxPythonCalls, 0...1000),
            (.maxTokensPerCall, maxTokensPerCall, 1...(1 << 20)), (.maxModelCalls, maxModelCalls, 1...10_000),
            (.maxContinuations, maxContinuations, 0...100),
        ]
        for (key, value, range) in bounds where !range.contains(value) {
            throw StrictKeys.invalid(key, "\(key.rawValue) must be in [\(range.lowerBound), \(range.upperBound)]", in: decoder)
        }
        guard sampleTimeoutSeconds > 0, sampleTimeoutSeconds <= 86_400 else {
            throw StrictKeys.invalid(CodingKeys.sampleTimeoutSeconds, "sample_timeout_seconds must be in (0, 86400]", in: decoder)
        }
        guard pythonTimeoutSeconds > 0, pythonTimeoutSeconds <= 3600 else {
            throw StrictKeys.invalid(CodingKeys.pythonTimeoutSeconds, "python_timeout_seconds must be in (0, 3600]", in: decoder)
        }
    }
}
