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

        package enum CodingKeys: String, CodingKey {
            case benchmark, items, samples, metric
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

    package enum CodingKeys: String, CodingKey {
        case id, checkpoint, status, error, config, concurrency, progress, results
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

    package enum CodingKeys: String, CodingKey {
        case benchmark, item, `repeat`, seed, prediction, correct, score, verdict, metric, trajectory
        case finishReason = "finish_reason"
        case searchCalls = "search_calls"
        case pythonCalls = "python_calls"
        case modelCalls = "model_calls"
        case latencyMS = "latency_ms"
    }
}
