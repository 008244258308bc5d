import Benchmarks
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// Engine profiles served by real processes: the built `aepo serve-model`
/// on the tiny Qwen3 fixture, and small stand-ins.
enum EngineFixture {
    /// `aepo serve-model {model_dir} --port {port} --name {model}` on one thread.
    static func serveModelProfile(idleSeconds: Double = 600, replicas: Int = 1) -> [String: Any] {
        [
            "command": [LiveServer.binary.path, "serve-model", "{model_dir}", "--port", "{port}", "--name", "{model}",
                        "--threads", "1", "--log-level", "warning"],
            "idle_seconds": idleSeconds, "startup_timeout_seconds": 120, "replicas": replicas, "max_concurrency": 4,
        ]
    }

    /// The GET /api/v1/engines/{name} answer, the parts the tests read.
    struct EngineBody: Decodable {
        var name: String
        var replicas: [EngineReplicaView]

        enum CodingKeys: String, CodingKey {
            case name
            case replicas = "replica_runs"
        }
    }

    static func json(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    /// Whether a process with `pid` exists (zombies count as gone).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let fields = ProcessIdentity.statFields(stat), let state = fields.first
        else { return false }
        return state != "Z"
    }
}

extension TestEnvironment {
    func headers(_ contentType: String) -> HTTPFields {
        var headers = adminHeaders
        headers[.contentType] = contentType
        return headers
    }

    /// Uploads the tiny Qwen3 directory by tar as `name` and imports the gsm8k fixture.
    func uploadTinyCheckpoint(_ client: some TestClientProtocol, name: String = "tiny") async throws {
        let archive = TarFixture.archive(try TinyHFCheckpoint.entries(under: "tiny"))
        let uploaded = try await client.execute(
            uri: "/api/v1/checkpoints?name=\(name)", method: .put, headers: headers("application/x-tar"),
            body: ByteBuffer(bytes: archive))
        #expect(uploaded.status == .created)
        let imported = try await client.execute(
            uri: "/api/v1/datasets/gsm8k", method: .put, headers: headers("application/x-ndjson"),
            body: ByteBuffer(string: EvaluationFixture.gsm8k))
        #expect(imported.status == .created)
    }

    func putEngine(_ client: some TestClientProtocol, _ name: String, _ profile: [String: Any]) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/engines/\(name)", method: .put, headers: headers("application/json"), body: EngineFixture.json(profile))
    }

    func engine(_ client: some TestClientProtocol, _ name: String) async throws -> EngineFixture.EngineBody {
        try await client.execute(uri: "/api/v1/engines/\(name)", method: .get).body.json(EngineFixture.EngineBody.self)
    }

    /// Queues an evaluation of the tiny checkpoint on `engine` and returns its view.
    func evaluate(_ client: some TestClientProtocol, engine: String, samples: Int, maxTokens: Int = 12) async throws -> EvaluationView {
        let created = try await client.execute(
            uri: "/api/v1/evaluations", method: .post, headers: headers("application/json"),
            body: try EngineFixture.json([
                "checkpoint": "tiny", "benchmarks": ["gsm8k"], "samples": samples, "engine": engine,
                "sampling": ["max_tokens": maxTokens], "limits": ["max_model_calls": 2],
                "chat_template_kwargs": ["enable_thinking": false],
            ]))
        #expect(created.status == .accepted, "\(String(buffer: created.body))")
        return try created.body.json(EvaluationView.self)
    }

    /// Polls evaluation `id` until it ends (at most `seconds`).
    func finish(_ client: some TestClientProtocol, _ id: Int64, seconds: Double = 180) async throws -> EvaluationView {
        let deadline = Date().addingTimeInterval(seconds)
        var view = try await client.execute(uri: "/api/v1/evaluations/\(id)", method: .get).body.json(EvaluationView.self)
        while !view.status.isTerminal, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            view = try await client.execute(uri: "/api/v1/evaluations/\(id)", method: .get).body.json(EvaluationView.self)
        }
        return view
    }
}
