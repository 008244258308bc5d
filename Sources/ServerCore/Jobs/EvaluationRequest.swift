import Benchmarks
import Foundation
import Trainer

/// The body of `POST /api/v1/evaluations`, before defaults and validation.
package struct EvaluationRequest: Decodable, Sendable {
    /// A checkpoint id, or one of its names.
    package enum CheckpointReference: Sendable, Equatable {
        case id(Int64)
        case name(String)
    }

    package var checkpoint: CheckpointReference
    package var benchmarks: [String]
    package var samples: Int?
    package var limit: Int?
    package var seed: Int?
    package var concurrency: Int?
    package var sampling: SamplingParameters?
    package var limits: AgentLimits?
    package var promptTemplate: PromptTemplate?
    package var search: SearchSettings?
    /// Whether `search` sets `top_k` (else the checkpoint's setup chooses it).
    package var searchSetsTopK = false
    package var judge: JudgeSettings?
    /// A named protocol the other fields override (`aepo-paper`).
    package var preset: String?
    package var maxErrorRate: Double?
    package var extraction: ExtractionMode?
    package var limitsPerBenchmark: [String: Int]?
    package var prompt: PromptReference?
    /// Extra chat template variables (e.g. `{"enable_thinking": false}`).
    package var chatTemplateKwargs: [String: JSONValue]?
    /// The engine profile that serves an `hf` checkpoint (default `builtin`).
    package var engine: String?
    /// The keys `sampling` and `limits` set: only those override the preset.
    package var samplingKeys: Set<String> = []
    package var limitsKeys: Set<String> = []
    /// Whether `judge` sets `mode`, else the preset chooses it.
    package var judgeSetsMode = false

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case checkpoint, benchmarks, samples, limit, seed, concurrency, sampling, limits, search, judge, preset, extraction
        case prompt, engine
        case promptTemplate = "prompt_template"
        case chatTemplateKwargs = "chat_template_kwargs"
        case maxErrorRate = "max_error_rate"
        case limitsPerBenchmark = "limits_per_benchmark"
    }

    /// The largest seed: 2^53 - 1, the largest integer every JSON reader keeps exactly.
    package static let maxSeed = (1 << 53) - 1

    /// A request with every optional setting at its default.
    package init(checkpoint: CheckpointReference, benchmarks: [String], samples: Int? = nil) {
        self.checkpoint = checkpoint
        self.benchmarks = benchmarks
        self.samples = samples
    }

    package init(from decoder: any Decoder) throws {
        try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "the evaluation")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let id = try? container.decode(Int64.self, forKey: .checkpoint) {
            checkpoint = .id(id)
        } else {
            checkpoint = .name(try container.decode(String.self, forKey: .checkpoint))
        }
        benchmarks = try container.decode([String].self, forKey: .benchmarks)
        samples = try container.decodeIfPresent(Int.self, forKey: .samples)
        limit = try container.decodeIfPresent(Int.self, forKey: .limit)
        seed = try container.decodeIfPresent(Int.self, forKey: .seed)
        concurrency = try container.decodeIfPresent(Int.self, forKey: .concurrency)
        sampling = try container.decodeIfPresent(SamplingParameters.self, forKey: .sampling)
        limits = try container.decodeIfPresent(AgentLimits.self, forKey: .limits)
        promptTemplate = try container.decodeIfPresent(PromptTemplate.self, forKey: .promptTemplate)
        search = try container.decodeIfPresent(SearchSettings.self, forKey: .search)
        if search != nil {
            searchSetsTopK = (try? container.nestedContainer(keyedBy: SearchSettings.CodingKeys.self, forKey: .search))?
                .contains(.topK) ?? false
        }
        judge = try container.decodeIfPresent(JudgeSettings.self, forKey: .judge)
        preset = try container.decodeIfPresent(String.self, forKey: .preset)
        maxErrorRate = try container.decodeIfPresent(Double.self, forKey: .maxErrorRate)
        extraction = try container.decodeIfPresent(ExtractionMode.self, forKey: .extraction)
        limitsPerBenchmark = try container.decodeIfPresent([String: Int].self, forKey: .limitsPerBenchmark)
        prompt = try container.decodeIfPresent(PromptReference.self, forKey: .prompt)
        chatTemplateKwargs = try container.decodeIfPresent([String: JSONValue].self, forKey: .chatTemplateKwargs)
        engine = try container.decodeIfPresent(String.self, forKey: .engine)
        func keys(_ key: CodingKeys) -> Set<String> {
            guard let nested = try? container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: key) else { return [] }
            return Set(nested.allKeys.map(\.stringValue))
        }
        if sampling != nil { samplingKeys = keys(.sampling) }
        if limits != nil { limitsKeys = keys(.limits) }
        if judge != nil { judgeSetsMode = keys(.judge).contains("mode") }
    }

    /// Fills in defaults (the preset's, then this project's) and validates,
    /// pinning each benchmark's active dataset.
    /// - Parameters:
    ///   - activeDatasets: the active dataset version of each benchmark.
    ///   - setup: the checkpoint's setup, which gives the prompt template and
    ///     search hits per query when the request does not.
    ///   - prompts: the stored prompts the request may name (its `prompt`,
    ///     and the preset's own), by name.
    ///   - target: how the checkpoint is run (its default framing and
    ///     engine); nil: the setup's default framing.
    ///   - profile: the checkpoint's chat template and sampling defaults.
    package func normalised(
        activeDatasets: [String: DatasetView], setup: AgentSetup, prompts: [String: PromptSettings] = [:],
        target: EvaluationTarget? = nil, profile: CheckpointProfile = CheckpointProfile()
    ) throws -> EvaluationConfig {
        guard !benchmarks.isEmpty else { throw CoreError.invalid("invalid_evaluation", "benchmarks must not be empty") }
        var names: [String] = []
        for name in benchmarks where !names.contains(name) {
            do {
                _ = try BenchmarkDirectory.spec(named: name)
            } catch {
                throw CoreError.invalid("unknown_benchmark", error.description)
            }
            names.append(name)
        }
        // Catalogue order, so ["gsm8k","aime24"] and ["aime24","gsm8k"] are one evaluation.
        names.sort { BenchmarkDirectory.order(of: $0) < BenchmarkDirectory.order(of: $1) }
        let samples = samples ?? 5
        guard (1...100).contains(samples) else {
            throw CoreError.invalid("invalid_evaluation", "samples must be between 1 and 100")
        }
        if let limit, !(1...1_000_000).contains(limit) {
            throw CoreError.invalid("invalid_evaluation", "limit must be between 1 and 1000000")
        }
        if let seed, !(0...Self.maxSeed).contains(seed) {
            throw CoreError.invalid("invalid_evaluation", "seed must be between 0 and \(Self.maxSeed)")
        }
        if let concurrency, !(1...1024).contains(concurrency) {
            throw CoreError.invalid("invalid_evaluation", "concurrency must be between 1 and 1024")
        }
        var search = search ?? SearchSettings()
        if !searchSetsTopK { search.topK = setup.defaultSearchTopK }
        search = try search.validated()
        if let judge {
            _ = try EndpointURL.validate(judge.url)
            if let name = judge.apiKeyEnv {
                _ = try KeyVariable.validate(name, field: "judge.api_key_env", code: "invalid_evaluation")
            }
        }
        var datasets: [String: String] = [:]
        for name in names {
            guard let active = activeDatasets[name] else {
                throw CoreError.invalid("invalid_evaluation", "\(name) has no dataset; import one with PUT /api/v1/datasets/\(name)")
            }
            datasets[name] = active.sha256
        }
        var preset: ProtocolPreset?
        if let name = self.preset {
            guard let known = ProtocolPreset(rawValue: name) else {
                throw CoreError.invalid(
                    "invalid_evaluation",
                    "unknown preset \"\(name)\"; valid: \(ProtocolPreset.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            preset = known
        }
        let base = preset?.fields ?? ProtocolPreset.defaultFields
        let maxErrorRate = maxErrorRate ?? 0.2
        guard (0...1).contains(maxErrorRate) else {
            throw CoreError.invalid("invalid_evaluation", "max_error_rate must be between 0 and 1")
        }
        var caps: [String: Int] = [:]
        for (name, cap) in limitsPerBenchmark ?? [:] {
            guard names.contains(name) else {
                throw CoreError.invalid("invalid_evaluation", "limits_per_benchmark names \(name), which is not one of the benchmarks")
            }
            guard (1...1_000_000).contains(cap) else {
                throw CoreError.invalid("invalid_evaluation", "limits_per_benchmark.\(name) must be between 1 and 1000000")
            }
            caps[name] = cap
        }
        // The preset's cap holds for the sets the request does not cap (a `limit` caps them all).
        if let cap = base.itemCap, limit == nil {
            for name in names where caps[name] == nil { caps[name] = cap }
        }
        var judge = self.judge
        if judge != nil, !judgeSetsMode { judge?.mode = base.judgeMode }
        let prompt: PromptSettings?
        switch self.prompt {
        case .named(let name)?:
            guard let stored = prompts[name] else { throw CoreError.notFound("no prompt named \"\(name)\"") }
            prompt = stored
        case .inline(let system, let systemZh)?:
            guard !system.isEmpty else { throw CoreError.invalid("invalid_evaluation", "prompt.system must not be empty") }
            prompt = PromptSettings(system: system, systemZh: systemZh)
        case nil:
            prompt = preset.flatMap { prompts[$0.promptName] }
        }
        let template = promptTemplate ?? target?.defaultTemplate ?? setup.defaultTemplate
        var templateSHA: String?
        if template == .model {
            guard let source = profile.chatTemplate?.source else {
                throw CoreError.invalid(
                    "no_chat_template",
                    "this checkpoint has no chat template, so prompt_template \"model\" cannot be used; "
                        + "name a fixed framing (\"prompt_template\": \"chatml\" or \"plain\") or give the model its template")
            }
            templateSHA = EndpointChatTemplate.sha256(of: source)
        }
        if template == .server, target?.servesChat == false {
            throw CoreError.invalid(
                "invalid_evaluation",
                "prompt_template \"server\" needs a model endpoint; this checkpoint runs on the built-in engine")
        }
        if let chatTemplateKwargs, !chatTemplateKwargs.isEmpty, template != .model, template != .server {
            throw CoreError.invalid(
                "invalid_evaluation",
                "chat_template_kwargs apply to the model's chat template (prompt_template \"model\" or \"server\"), "
                    + "not to \"\(template.rawValue)\"")
        }
        var samplingBase = base.sampling
        // Without a preset, the model's generation_config.json fills what the request does not set, as vLLM does.
        if preset == nil, let defaults = profile.generationDefaults {
            samplingBase = samplingBase.filled(from: defaults)
        }
        var config = EvaluationConfig(
            benchmarks: names, samples: samples, limit: limit, seed: seed ?? 0,
            sampling: try Overlay.apply(sampling, keys: samplingKeys, onto: samplingBase),
            limits: try Overlay.apply(limits, keys: limitsKeys, onto: base.limits),
            promptTemplate: template, search: search,
            judge: judge, datasets: datasets, preset: preset?.rawValue, maxErrorRate: maxErrorRate,
            extraction: extraction ?? base.extraction, limitsPerBenchmark: caps, prompt: prompt)
        config.chatTemplateSHA256 = templateSHA
        config.chatTemplateKwargs = chatTemplateKwargs?.isEmpty == false ? chatTemplateKwargs : nil
        config.engine = target?.engine
        return config
    }
}

/// Field-by-field overrides of a settings object: the keys a request set
/// replace the base's, the others keep the base's values.
enum Overlay {
    static func apply<T: Codable>(_ override: T?, keys: Set<String>, onto base: T) throws -> T {
        guard let override else { return base }
        let encoder = JSONEncoder()
        guard var merged = try JSONSerialization.jsonObject(with: encoder.encode(base)) as? [String: Any],
            let given = try JSONSerialization.jsonObject(with: encoder.encode(override)) as? [String: Any]
        else { return override }
        for key in keys { merged[key] = given[key] }
        return try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: merged))
    }
}
