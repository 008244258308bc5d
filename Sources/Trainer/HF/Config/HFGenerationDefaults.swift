import Foundation

/// The sampling defaults of a checkpoint's `generation_config.json`: what a
/// server applies to a request that sets nothing itself (as vLLM does with
/// `--generation-config auto`). Absent fields stay nil.
public struct HFGenerationDefaults: Sendable, Equatable {
    /// Softmax temperature.
    public var temperature: Double?
    /// Nucleus mass.
    public var topP: Double?
    /// Most likely tokens kept (0 = off).
    public var topK: Int?
    /// Penalty on tokens already in the prompt or output (1 = off).
    public var repetitionPenalty: Double?
    /// Extra end-of-sequence ids (they add to the config's).
    public var eosTokenIDs: [Int]
    /// Most new tokens.
    public var maxNewTokens: Int?
    /// `do_sample`: false means greedy in transformers' `generate`.
    public var doSample: Bool?

    /// No defaults.
    public init() {
        eosTokenIDs = []
    }

    /// Parses `generation_config.json`.
    /// - Throws: `HFConfigError` naming the field.
    public init(json data: Data) throws(HFConfigError) {
        let r = try JSONObjectReader.parse(data, file: "generation_config.json")
        temperature = try r.double("temperature")
        topP = try r.double("top_p")
        topK = try r.int("top_k")
        repetitionPenalty = try r.double("repetition_penalty")
        eosTokenIDs = try r.intOrInts("eos_token_id")
        maxNewTokens = try r.int("max_new_tokens")
        doSample = try r.bool("do_sample")
        if let temperature, temperature < 0 { throw .invalidField("temperature", reason: "must be >= 0") }
        if let topP, !(topP > 0 && topP <= 1) { throw .invalidField("top_p", reason: "must be in (0, 1]") }
        if let topK, topK < 0 { throw .invalidField("top_k", reason: "must be >= 0") }
        if let repetitionPenalty, repetitionPenalty <= 0 { throw .invalidField("repetition_penalty", reason: "must be > 0") }
        if let maxNewTokens, maxNewTokens < 1 { throw .invalidField("max_new_tokens", reason: "must be >= 1") }
    }

    /// Reads `generation_config.json` from a model directory; no file means no defaults.
    public init(directory: URL) throws(HFConfigError) {
        let url = directory.appendingPathComponent("generation_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            self.init()
            return
        }
        guard let data = try? Data(contentsOf: url) else {
            throw .invalidJSON(file: "generation_config.json", reason: "cannot read \(url.path)")
        }
        try self.init(json: data)
    }
}

extension HFGenerationDefaults {
    /// Sampling settings after defaults, as vLLM resolves a request against
    /// a checkpoint's generation config: a field the request sets wins, then
    /// this file's value, then the neutral default (temperature 1, top_p 1,
    /// top_k off, no repetition penalty, `max_new_tokens` or `fallbackMaxTokens`).
    public struct Resolved: Sendable, Equatable {
        public var temperature: Double
        public var topP: Double
        /// 0 = off (OpenAI's and vLLM's -1 maps to 0).
        public var topK: Int
        public var repetitionPenalty: Double
        public var maxTokens: Int
    }

    /// Fills what a request left unset (nil).
    /// - Parameters:
    ///   - temperature, topP, topK, repetitionPenalty, maxTokens: the request's own values, nil when absent.
    ///   - fallbackMaxTokens: `max_tokens` when neither the request nor this file sets it.
    public func resolve(
        temperature: Double? = nil, topP: Double? = nil, topK: Int? = nil, repetitionPenalty: Double? = nil,
        maxTokens: Int? = nil, fallbackMaxTokens: Int
    ) -> Resolved {
        Resolved(
            temperature: temperature ?? self.temperature ?? 1,
            topP: topP ?? self.topP ?? 1,
            topK: max(0, topK ?? self.topK ?? 0),
            repetitionPenalty: repetitionPenalty ?? self.repetitionPenalty ?? 1,
            maxTokens: maxTokens ?? maxNewTokens ?? fallbackMaxTokens)
    }
}
