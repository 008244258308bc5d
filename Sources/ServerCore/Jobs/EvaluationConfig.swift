import Benchmarks
import Crypto
import Foundation

/// The configuration that identifies an evaluation once defaults are filled
/// in and the datasets are pinned: same checkpoint + same configuration is
/// the same evaluation. Concurrency is not part of it (it changes no
/// result); everything that can change a score is (sampling, limits,
/// continuations, prompt and its SHA-256, preset, judge mode, extraction,
/// item caps, the error budget), so two protocols never share an id.
package struct EvaluationConfig: Codable, Sendable, Hashable {
    package var benchmarks: [String]
    package var samples: Int
    package var limit: Int?
    package var seed: Int
    package var sampling: SamplingParameters
    package var limits: AgentLimits
    package var promptTemplate: PromptTemplate
    package var search: SearchSettings
    package var judge: JudgeSettings?
    /// benchmark -> SHA-256 of the dataset version used.
    package var datasets: [String: String]
    /// The preset the request started from (`aepo-paper`), if any.
    package var preset: String? = nil
    /// The largest fraction of errored samples that still finishes.
    package var maxErrorRate: Double = 0.2
    /// How final answers are extracted.
    package var extraction: ExtractionMode = .strict
    /// Items per benchmark (the first N of its dataset), beside `limit`.
    package var limitsPerBenchmark: [String: Int] = [:]
    /// The system prompts; nil: this project's own text.
    package var prompt: PromptSettings? = nil
    /// SHA-256 of the chat template the prompts are rendered with
    /// (`prompt_template` `model`); nil otherwise.
    package var chatTemplateSHA256: String? = nil
    /// Extra chat template variables (`enable_thinking`, ...), for
    /// `prompt_template` `model` or `server`.
    package var chatTemplateKwargs: [String: JSONValue]? = nil
    /// The engine running an uploaded model (`builtin`); nil for aepo-gpt
    /// files and endpoints.
    package var engine: String? = nil

    package enum CodingKeys: String, CodingKey {
        case benchmarks, samples, limit, seed, sampling, limits, search, judge, datasets, preset, extraction, prompt
        case engine
        case chatTemplateSHA256 = "chat_template_sha256"
        case chatTemplateKwargs = "chat_template_kwargs"
        case promptTemplate = "prompt_template"
        case maxErrorRate = "max_error_rate"
        case limitsPerBenchmark = "limits_per_benchmark"
    }

    package init(
        benchmarks: [String], samples: Int, limit: Int?, seed: Int, sampling: SamplingParameters, limits: AgentLimits,
        promptTemplate: PromptTemplate, search: SearchSettings, judge: JudgeSettings?, datasets: [String: String],
        preset: String? = nil, maxErrorRate: Double = 0.2, extraction: ExtractionMode = .strict,
        limitsPerBenchmark: [String: Int] = [:], prompt: PromptSettings? = nil
    ) {
        self.benchmarks = benchmarks
        self.samples = samples
        self.limit = limit
        self.seed = seed
        self.sampling = sampling
        self.limits = limits
        self.promptTemplate = promptTemplate
        self.search = search
        self.judge = judge
        self.datasets = datasets
        self.preset = preset
        self.maxErrorRate = maxErrorRate
        self.extraction = extraction
        self.limitsPerBenchmark = limitsPerBenchmark
        self.prompt = prompt
    }

    /// Decodes a stored configuration; those stored before the protocol
    /// fields existed get their defaults.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        benchmarks = try container.decode([String].self, forKey: .benchmarks)
        samples = try container.decode(Int.self, forKey: .samples)
        limit = try container.decodeIfPresent(Int.self, forKey: .limit)
        seed = try container.decode(Int.self, forKey: .seed)
        sampling = try container.decode(SamplingParameters.self, forKey: .sampling)
        limits = try container.decode(AgentLimits.self, forKey: .limits)
        promptTemplate = try container.decode(PromptTemplate.self, forKey: .promptTemplate)
        search = try container.decode(SearchSettings.self, forKey: .search)
        judge = try container.decodeIfPresent(JudgeSettings.self, forKey: .judge)
        datasets = try container.decode([String: String].self, forKey: .datasets)
        preset = try container.decodeIfPresent(String.self, forKey: .preset)
        maxErrorRate = try container.decodeIfPresent(Double.self, forKey: .maxErrorRate) ?? 0.2
        extraction = try container.decodeIfPresent(ExtractionMode.self, forKey: .extraction) ?? .strict
        limitsPerBenchmark = try container.decodeIfPresent([String: Int].self, forKey: .limitsPerBenchmark) ?? [:]
        prompt = try container.decodeIfPresent(PromptSettings.self, forKey: .prompt)
        chatTemplateSHA256 = try container.decodeIfPresent(String.self, forKey: .chatTemplateSHA256)
        chatTemplateKwargs = try container.decodeIfPresent([String: JSONValue].self, forKey: .chatTemplateKwargs)
        engine = try container.decodeIfPresent(String.self, forKey: .engine)
    }

    /// Items of `benchmark` evaluated: its own cap, else `limit`, else all.
    package func itemCap(_ benchmark: String) -> Int? {
        limitsPerBenchmark[benchmark] ?? limit
    }

    /// The protocol label the leaderboard filters on (``ProtocolPreset/label(of:)``).
    package var `protocol`: String { ProtocolPreset.label(of: self) }

    /// Canonical JSON (sorted keys, explicit nulls) and its SHA-256.
    package func canonical() throws -> (json: String, sha256: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        let hash = SHA256.hash(data: data).hexString
        return (String(decoding: data, as: UTF8.self), hash)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(benchmarks, forKey: .benchmarks)
        try container.encode(samples, forKey: .samples)
        try container.encode(limit, forKey: .limit)
        try container.encode(seed, forKey: .seed)
        try container.encode(sampling, forKey: .sampling)
        try container.encode(limits, forKey: .limits)
        try container.encode(promptTemplate, forKey: .promptTemplate)
        try container.encode(search, forKey: .search)
        try container.encode(judge, forKey: .judge)
        try container.encode(datasets, forKey: .datasets)
        try container.encode(preset, forKey: .preset)
        try container.encode(maxErrorRate, forKey: .maxErrorRate)
        try container.encode(extraction, forKey: .extraction)
        try container.encode(limitsPerBenchmark, forKey: .limitsPerBenchmark)
        try container.encode(prompt, forKey: .prompt)
        // Left out when unset, so configurations stored before they existed keep their ids.
        try container.encodeIfPresent(chatTemplateSHA256, forKey: .chatTemplateSHA256)
        try container.encodeIfPresent(chatTemplateKwargs, forKey: .chatTemplateKwargs)
        try container.encodeIfPresent(engine, forKey: .engine)
    }
}

/// Refusing unknown fields in request bodies, naming them.
package enum RequestKeys {
    package static func reject(_ decoder: any Decoder, allowing allowed: [String], in object: String) throws {
        let unknown = try AnyCodingKey.unknownKeys(in: decoder, known: allowed)
        guard unknown.isEmpty else {
            throw CoreError.invalid(
                "unknown_field",
                "unknown field\(unknown.count > 1 ? "s" : "") in \(object): \(unknown.joined(separator: ", ")); "
                    + "valid: \(allowed.sorted().joined(separator: ", "))")
        }
    }
}
