import Foundation

/// An evaluation as the API shows it.
struct EvaluationView: Codable, Sendable {
    struct CheckpointRef: Codable, Sendable, Equatable {
        var id: Int64
        var name: String
    }

    struct Progress: Codable, Sendable, Equatable {
        var done: Int
        var total: Int
    }

    /// Pass@k over the items whose samples are all done (all of them once
    /// the evaluation has finished). `pass_at_5` is null when n < 5.
    struct BenchmarkResult: Codable, Sendable, Equatable {
        var benchmark: String
        var items: Int
        var itemsDone: Int
        var samples: Int
        var passAt1: Double?
        var passAt5: Double?
        var metric: String
        var datasetSHA256: String

        enum CodingKeys: String, CodingKey {
            case benchmark, items, samples, metric
            case itemsDone = "items_done"
            case passAt1 = "pass_at_1"
            case passAt5 = "pass_at_5"
            case datasetSHA256 = "dataset_sha256"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(benchmark, forKey: .benchmark)
            try container.encode(items, forKey: .items)
            try container.encode(itemsDone, forKey: .itemsDone)
            try container.encode(samples, forKey: .samples)
            try container.encode(passAt1, forKey: .passAt1)
            try container.encode(passAt5, forKey: .passAt5)
            try container.encode(metric, forKey: .metric)
            try container.encode(datasetSHA256, forKey: .datasetSHA256)
        }
    }

    var id: Int64
    var checkpoint: CheckpointRef
    var status: JobStatus
    var error: String?
    var config: EvaluationConfig
    var concurrency: Int
    var progress: Progress
    var results: [BenchmarkResult]
    var createdAt: String
    var startedAt: String?
    var finishedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, checkpoint, status, error, config, concurrency, progress, results
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}

/// One stored sample as `GET /api/v1/evaluations/{id}/samples` shows it.
struct SampleView: Codable, Sendable, Equatable {
    var benchmark: String
    var item: String
    var `repeat`: Int
    var seed: UInt64
    var prediction: String?
    var correct: Bool
    var score: Double
    var verdict: String
    var metric: String
    var finishReason: String
    var searchCalls: Int
    var pythonCalls: Int
    var modelCalls: Int
    var latencyMS: Int
    var trajectory: String

    enum CodingKeys: String, CodingKey {
        case benchmark, item, `repeat`, seed, prediction, correct, score, verdict, metric, trajectory
        case finishReason = "finish_reason"
        case searchCalls = "search_calls"
        case pythonCalls = "python_calls"
        case modelCalls = "model_calls"
        case latencyMS = "latency_ms"
    }
}
