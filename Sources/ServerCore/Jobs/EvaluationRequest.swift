import Benchmarks
import Foundation

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

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case checkpoint, benchmarks, samples, limit, seed, concurrency, sampling, limits, search, judge
        case promptTemplate = "prompt_template"
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
    }

    /// Fills in defaults and validates, pinning each benchmark's active dataset.
    /// - Parameters:
    ///   - activeDatasets: the active dataset version of each benchmark.
    ///   - setup: the checkpoint's setup, which gives the prompt template and
    ///     search hits per query when the request does not.
    package func normalised(
        activeDatasets: [String: DatasetView], setup: AgentSetup
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
        guard (1...50).contains(search.topK) else {
            throw CoreError.invalid("invalid_evaluation", "search.top_k must be between 1 and 50")
        }
        if search.backend == .http, search.url == nil {
            throw CoreError.invalid("invalid_evaluation", "search.url (the retriever's URL) is required for the http backend")
        }
        if let url = search.url { _ = try EndpointURL.validate(url) }
        if let judge { _ = try EndpointURL.validate(judge.url) }
        var datasets: [String: String] = [:]
        for name in names {
            guard let active = activeDatasets[name] else {
                throw CoreError.invalid("invalid_evaluation", "\(name) has no dataset; import one with PUT /api/v1/datasets/\(name)")
            }
            datasets[name] = active.sha256
        }
        return EvaluationConfig(
            benchmarks: names, samples: samples, limit: limit, seed: seed ?? 0, sampling: sampling ?? SamplingParameters(),
            limits: limits ?? AgentLimits(), promptTemplate: promptTemplate ?? setup.defaultTemplate, search: search,
            judge: judge, datasets: datasets)
    }
}
