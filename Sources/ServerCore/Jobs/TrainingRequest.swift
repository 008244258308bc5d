import Benchmarks
import Foundation
import Trainer

/// The body of `POST /api/v1/training-jobs`: a built-in run
/// (`algorithm`, `task`, ...) or an admin-defined template (`template`,
/// `parameters`). Unknown fields are refused by name.
package struct TrainingRequest: Decodable, Sendable {
    /// What the job evaluates when training finishes.
    package struct Evaluate: Codable, Sendable, Equatable {
        package var benchmarks: [String]
        package var samples: Int?
        /// Items per benchmark (the evaluation's `limit`).
        package var limit: Int?
        /// The engine that runs the checkpoint: `builtin` (the default) or
        /// the name of an engine profile (checked by ``TrainingPlanner``).
        package var engine: String?

        package enum CodingKeys: String, CodingKey, CaseIterable {
            case benchmarks, samples, limit, engine
        }

        package init(benchmarks: [String], samples: Int? = nil, limit: Int? = nil, engine: String? = nil) {
            self.benchmarks = benchmarks
            self.samples = samples
            self.limit = limit
            self.engine = engine
        }

        package init(from decoder: any Decoder) throws {
            try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "evaluate")
            let container = try decoder.container(keyedBy: CodingKeys.self)
            benchmarks = try container.decode([String].self, forKey: .benchmarks)
            samples = try container.decodeIfPresent(Int.self, forKey: .samples)
            limit = try container.decodeIfPresent(Int.self, forKey: .limit)
            engine = try container.decodeIfPresent(String.self, forKey: .engine)
            if let samples, !(1...100).contains(samples) {
                throw CoreError.invalid("invalid_training_job", "evaluate.samples must be between 1 and 100")
            }
            if let limit, limit < 1 {
                throw CoreError.invalid("invalid_training_job", "evaluate.limit must be 1 or more")
            }
            if let engine, engine.isEmpty {
                throw CoreError.invalid("unknown_engine", "evaluate.engine must name an engine profile or builtin")
            }
        }
    }

    package var algorithm: String?
    package var task: String?
    package var steps: Int?
    package var seed: Int?
    package var initCheckpoint: EvaluationRequest.CheckpointReference?
    /// Changes to the trainer's config (`SFTConfig` for sft, `RLConfig` otherwise), nested objects included.
    package var hyperparameters: [String: JSONValue]?
    package var evaluate: Evaluate?
    package var template: String?
    package var parameters: [String: String]?
    /// A template job's merged checkpoint's name (default `<template>-job<id>-step<N>`).
    package var checkpointName: String?

    package static let builtInAlgorithms = ["sft"] + PolicyAlgorithm.allCases.map(\.rawValue)
    package static let builtInTasks = ["synth-arith", "synth-hop"]

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case algorithm, task, steps, seed, hyperparameters, evaluate, template, parameters
        case initCheckpoint = "init"
        case checkpointName = "checkpoint_name"
    }

    package init(from decoder: any Decoder) throws {
        try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "the training job")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        algorithm = try container.decodeIfPresent(String.self, forKey: .algorithm)
        task = try container.decodeIfPresent(String.self, forKey: .task)
        steps = try container.decodeIfPresent(Int.self, forKey: .steps)
        seed = try container.decodeIfPresent(Int.self, forKey: .seed)
        if container.contains(.initCheckpoint) {
            if let id = try? container.decode(Int64.self, forKey: .initCheckpoint) {
                initCheckpoint = .id(id)
            } else {
                initCheckpoint = .name(try container.decode(String.self, forKey: .initCheckpoint))
            }
        }
        hyperparameters = try container.decodeIfPresent([String: JSONValue].self, forKey: .hyperparameters)
        evaluate = try container.decodeIfPresent(Evaluate.self, forKey: .evaluate)
        template = try container.decodeIfPresent(String.self, forKey: .template)
        parameters = try container.decodeIfPresent([String: String].self, forKey: .parameters)
        checkpointName = try container.decodeIfPresent(String.self, forKey: .checkpointName)
    }

    /// Validates a built-in run, naming what is wrong.
    package func validateBuiltIn() throws -> (algorithm: String, task: String, steps: Int, seed: Int) {
        guard template == nil, parameters == nil, checkpointName == nil else {
            throw CoreError.invalid("invalid_training_job", "give either a template or an algorithm and task, not both")
        }
        guard let algorithm, Self.builtInAlgorithms.contains(algorithm.lowercased()) else {
            throw CoreError.invalid(
                "unknown_algorithm",
                "algorithm \"\(algorithm ?? "")\" is not one of: \(Self.builtInAlgorithms.joined(separator: ", "))")
        }
        guard let task, Self.builtInTasks.contains(task) else {
            throw CoreError.invalid(
                "unknown_task", "task \"\(task ?? "")\" is not one of: \(Self.builtInTasks.joined(separator: ", "))")
        }
        let steps = steps ?? 200
        guard (1...1_000_000).contains(steps) else {
            throw CoreError.invalid("invalid_training_job", "steps must be between 1 and 1000000")
        }
        if let seed, !(0...EvaluationRequest.maxSeed).contains(seed) {
            throw CoreError.invalid("invalid_training_job", "seed must be between 0 and \(EvaluationRequest.maxSeed)")
        }
        try validateHyperparameters(algorithm: algorithm.lowercased(), task: task)
        return (algorithm.lowercased(), task, steps, seed ?? 0)
    }

    /// Decodes the hyperparameters over the trainer's defaults, as the
    /// child will, so a bad key or value is a 400 now rather than a failed job.
    private func validateHyperparameters(algorithm: String, task: String) throws {
        guard let hyperparameters, !hyperparameters.isEmpty, let synthTask = try? SynthTask.named(task) else { return }
        do {
            let json = try JSONEncoder().encode(hyperparameters)
            if algorithm == "sft" {
                _ = try SFTConfig.decode(json, over: .defaults(for: synthTask))
            } else {
                _ = try RLConfig.decode(json, over: .defaults(for: synthTask))
            }
        } catch {
            throw CoreError.invalid("invalid_hyperparameters", "hyperparameters: \(error)")
        }
    }
}
