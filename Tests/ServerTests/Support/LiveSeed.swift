import Foundation
import Testing

@testable import Server
@testable import ServerCore

/// Seeds a live `aepo serve` through its API with curl, for the browser
/// tests. Every call runs off the cooperative pool (see ``offThePool(_:)``).
struct LiveSeed: Sendable {
    let baseURL: String
    let token: String

    init(server: LiveServer) {
        baseURL = server.baseURL
        token = server.adminToken
    }

    private var auth: [String] { ["-H", "Authorization: Bearer \(token)"] }

    private func post(_ path: String, _ object: [String: Any]) async throws -> String {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        return try await run(auth + ["-H", "Content-Type: application/json", "-d", body, "\(baseURL)\(path)"])
    }

    private func run(_ arguments: [String]) async throws -> String {
        try await offThePool { try curl(arguments).output }
    }

    func importDataset(_ benchmark: String, _ text: String) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aepo-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(text.utf8).write(to: file)
        _ = try await run(auth + [
            "-X", "PUT", "--data-binary", "@\(file.path)", "-H", "Content-Type: application/x-ndjson",
            "\(baseURL)/api/v1/datasets/\(benchmark)",
        ])
    }

    /// Registers a model endpoint on `port`; returns the checkpoint id.
    func register(_ name: String, port: Int) async throws -> Int64 {
        let answer = try await post("/api/v1/checkpoints", [
            "name": name, "endpoint": ["url": "http://127.0.0.1:\(port)/v1", "model": "fake", "max_concurrency": 8],
        ])
        return try JSONDecoder().decode(CheckpointView.self, from: Data(answer.utf8)).id
    }

    /// Uploads `data` as a file checkpoint named `name`; returns its id.
    func upload(_ name: String, data: Data) async throws -> Int64 {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aepo-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        try data.write(to: file)
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let answer = try await run(auth + ["-T", file.path, "\(baseURL)/api/v1/checkpoints?name=\(encoded)"])
        return try JSONDecoder().decode(CheckpointView.self, from: Data(answer.utf8)).id
    }

    /// Starts an evaluation; returns its id at once.
    func start(_ checkpoint: Int64, benchmarks: [String], samples: Int = 5, seed: Int = 0) async throws -> Int64 {
        let answer = try await post("/api/v1/evaluations", [
            "checkpoint": checkpoint, "benchmarks": benchmarks, "samples": samples, "seed": seed,
        ])
        return try JSONDecoder().decode(EvaluationView.self, from: Data(answer.utf8)).id
    }

    /// Runs an evaluation to its end; returns its id.
    func evaluate(_ checkpoint: Int64, benchmarks: [String], samples: Int = 5, seed: Int = 0) async throws -> Int64 {
        let id = try await start(checkpoint, benchmarks: benchmarks, samples: samples, seed: seed)
        let deadline = ContinuousClock.now + .seconds(60)
        var status: JobStatus?
        while ContinuousClock.now < deadline {
            let body = try await run(["\(baseURL)/api/v1/evaluations/\(id)"])
            status = (try? JSONDecoder().decode(EvaluationView.self, from: Data(body.utf8)))?.status
            if status?.isTerminal == true { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(status == .finished, "evaluation \(id) is \(status?.rawValue ?? "unknown")")
        return id
    }

    /// Cancels an evaluation.
    func cancel(_ id: Int64) async throws {
        _ = try await run(auth + ["-X", "POST", "\(baseURL)/api/v1/evaluations/\(id)/cancel"])
    }

    /// Launches a training job; returns its id at once.
    func train(_ body: [String: Any]) async throws -> Int64 {
        struct Created: Decodable { let id: Int64 }
        let answer = try await post("/api/v1/training-jobs", body)
        guard let created = try? JSONDecoder().decode(Created.self, from: Data(answer.utf8)) else {
            throw LiveSeedError.unexpectedAnswer(answer)
        }
        return created.id
    }

    /// `GET path` as text.
    func get(_ path: String) async throws -> String {
        try await run(["\(baseURL)\(path)"])
    }

    /// Enters a reported row.
    func report(_ row: [String: Any]) async throws {
        _ = try await post("/api/v1/reported-results", row)
    }
}

enum LiveSeedError: Error, CustomStringConvertible {
    case unexpectedAnswer(String)

    var description: String {
        switch self {
        case .unexpectedAnswer(let body): "unexpected answer: \(body)"
        }
    }
}
