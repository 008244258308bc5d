import Foundation

/// An evaluation as the API shows it.
package struct EvaluationView: Codable, Sendable {
    package struct CheckpointRef: Codable, Sendable, Equatable {
        package var id: Int64
        package var name: String
    }

    package struct Progress: Codable, Sendable, Equatable {
        package var done: Int
        package var total: Int
    }

    /// Pass@k over the items whose samples are all done (all of them once
    /// the evaluation has finished). `pass_at_5` is null when n < 5.
    package struct BenchmarkResult: Codable, Sendable, Equatable {
        package var benchmark: String
        package var items: Int
        package var itemsDone: Int
        package var samples: Int
        package var passAt1: Double?
        package var passAt5: Double?
        package var metric: String
        package var datasetSHA256: String
        /// Samples that failed for good, scored incorrect.
        package var errors = 0
        /// Samples the rule check decided because the judge failed.
        package var judgeFallbacks = 0

        package enum CodingKeys: String, CodingKey {
            case benchmark, items, samples, metric, errors
            case judgeFallbacks = "judge_fallbacks"
            case itemsDone = "items_done"
            case passAt1 = "pass_at_1"
            case passAt5 = "pass_at_5"
            case datasetSHA256 = "dataset_sha256"
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(benchmark, forKey: .benchmark)
            try container.encode(items, forKey: .items)
            try container.encode(itemsDone, forKey: .itemsDone)
            try container.encode(samples, forKey: .samples)
            try container.encode(passAt1, forKey: .passAt1)
            try container.encode(passAt5, forKey: .passAt5)
            try container.encode(metric, forKey: .metric)
            try container.encode(datasetSHA256, forKey: .datasetSHA256)
            try container.encode(errors, forKey: .errors)
            try container.encode(judgeFallbacks, forKey: .judgeFallbacks)
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            benchmark = try container.decode(String.self, forKey: .benchmark)
            items = try container.decode(Int.self, forKey: .items)
            itemsDone = try container.decode(Int.self, forKey: .itemsDone)
            samples = try container.decode(Int.self, forKey: .samples)
            passAt1 = try container.decodeIfPresent(Double.self, forKey: .passAt1)
            passAt5 = try container.decodeIfPresent(Double.self, forKey: .passAt5)
            metric = try container.decode(String.self, forKey: .metric)
            datasetSHA256 = try container.decode(String.self, forKey: .datasetSHA256)
            errors = try container.decodeIfPresent(Int.self, forKey: .errors) ?? 0
            judgeFallbacks = try container.decodeIfPresent(Int.self, forKey: .judgeFallbacks) ?? 0
        }

        package init(
            benchmark: String, items: Int, itemsDone: Int, samples: Int, passAt1: Double?, passAt5: Double?, metric: String,
            datasetSHA256: String, errors: Int = 0, judgeFallbacks: Int = 0
        ) {
            self.benchmark = benchmark
            self.items = items
            self.itemsDone = itemsDone
            self.samples = samples
            self.passAt1 = passAt1
            self.passAt5 = passAt5
            self.metric = metric
            self.datasetSHA256 = datasetSHA256
            self.errors = errors
            self.judgeFallbacks = judgeFallbacks
        }
    }

    package var id: Int64
    package var checkpoint: CheckpointRef
    package var status: JobStatus
    package var error: String?
    package var config: EvaluationConfig
    package var concurrency: Int
    package var progress: Progress
    package var results: [BenchmarkResult]
    package var createdAt: String
    package var startedAt: String?
    package var finishedAt: String?
    /// The protocol label (`default`, `aepo-paper`, either with `+custom`).
    package var `protocol`: String = "default"

    package enum CodingKeys: String, CodingKey {
        case id, checkpoint, status, error, config, concurrency, progress, results, `protocol`
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}

/// One stored sample as `GET /api/v1/evaluations/{id}/samples` shows it.
package struct SampleView: Codable, Sendable, Equatable {
    package var benchmark: String
    package var item: String
    package var `repeat`: Int
    package var seed: UInt64
    package var prediction: String?
    package var correct: Bool
    package var score: Double
    package var verdict: String
    package var metric: String
    package var finishReason: String
    package var searchCalls: Int
    package var pythonCalls: Int
    package var modelCalls: Int
    package var latencyMS: Int
    package var trajectory: String
    /// Why the sample failed, when it did (verdict `error`).
    package var error: String? = nil
    /// Why the judge gave no verdict, when the rule check decided instead.
    package var judgeError: String? = nil

    package enum CodingKeys: String, CodingKey {
        case benchmark, item, `repeat`, seed, prediction, correct, score, verdict, metric, trajectory, error
        case judgeError = "judge_error"
        case finishReason = "finish_reason"
        case searchCalls = "search_calls"
        case pythonCalls = "python_calls"
        case modelCalls = "model_calls"
        case latencyMS = "latency_ms"
    }

    /// Every field, the optional ones as null when absent.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(benchmark, forKey: .benchmark)
        try container.encode(item, forKey: .item)
        try container.encode(`repeat`, forKey: .repeat)
        try container.encode(seed, forKey: .seed)
        try container.encode(prediction, forKey: .prediction)
        try container.encode(correct, forKey: .correct)
        try container.encode(score, forKey: .score)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(metric, forKey: .metric)
        try container.encode(finishReason, forKey: .finishReason)
        try container.encode(searchCalls, forKey: .searchCalls)
        try container.encode(pythonCalls, forKey: .pythonCalls)
        try container.encode(modelCalls, forKey: .modelCalls)
        try container.encode(latencyMS, forKey: .latencyMS)
        try container.encode(trajectory, forKey: .trajectory)
        try container.encode(error, forKey: .error)
        try container.encode(judgeError, forKey: .judgeError)
    }
}
