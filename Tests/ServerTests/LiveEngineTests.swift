import Foundation
import Testing

@testable import ServerCore

/// A real `aepo serve` killed with SIGKILL while an engine replica serves
/// its evaluation: the restarted server stops the replica's process group
/// (no orphan) and the evaluation finishes on a fresh replica.
@Suite("Engine replicas across a kill -9 of the server", .serialized)
struct LiveEngineTests {
    struct Evaluation: Decodable {
        struct Progress: Decodable { let done: Int; let total: Int }
        let status: String
        let progress: Progress
        let error: String?
    }

    @Test func aKilledServersReplicaIsStoppedAtRestartAndTheEvaluationFinishes() async throws {
        let directory = try TemporaryDirectory.make()
        var server = try LiveServer(dataDirectory: directory)
        defer { server.stop(signal: SIGTERM) }
        let token = server.adminToken
        let auth = ["-H", "Authorization: Bearer \(token)"]
        let archive = directory.appendingPathComponent("tiny.tar")
        try Data(TarFixture.archive(try TinyHFCheckpoint.entries(under: "tiny"))).write(to: archive)
        try curl(auth + ["-T", archive.path, "-H", "Content-Type: application/x-tar", "\(server.baseURL)/api/v1/checkpoints?name=tiny"])
        try curl(auth + ["-X", "PUT", "-H", "Content-Type: application/x-ndjson", "--data-binary", EvaluationFixture.gsm8k,
                         "\(server.baseURL)/api/v1/datasets/gsm8k"])
        let profile = try JSONSerialization.data(withJSONObject: EngineFixture.serveModelProfile())
        try curl(auth + ["-X", "PUT", "-H", "Content-Type: application/json", "--data-binary", String(decoding: profile, as: UTF8.self),
                         "\(server.baseURL)/api/v1/engines/tiny-local"])
        let body = #"{"checkpoint":"tiny","benchmarks":["gsm8k"],"samples":30,"engine":"tiny-local","sampling":{"max_tokens":48},"#
            + #""limits":{"max_model_calls":2},"chat_template_kwargs":{"enable_thinking":false}}"#
        let created = try curl(auth + ["-H", "Content-Type: application/json", "-d", body, "\(server.baseURL)/api/v1/evaluations"])
        let id = try #require(try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any])["id"] as? Int

        func evaluation() throws -> Evaluation {
            try JSONDecoder().decode(Evaluation.self, from: Data(try curl(["\(server.baseURL)/api/v1/evaluations/\(id ?? 0)"]).output.utf8))
        }
        func replicas() throws -> [EngineReplicaView] {
            try JSONDecoder().decode(
                EngineFixture.EngineBody.self, from: Data(try curl(["\(server.baseURL)/api/v1/engines/tiny-local"]).output.utf8)
            ).replicas
        }
        // Mid-run: a ready replica and samples being stored.
        #expect(try await eventually(seconds: 120) { try evaluation().progress.done >= 1 && replicas().first?.status == .ready })
        let old = try #require(try replicas().first?.pid)
        #expect(try evaluation().status == "running")
        server.stop(signal: SIGKILL)
        // The replica outlives the server: its own process group.
        #expect(!ProcessGroup.members(of: old).isEmpty)

        server = try LiveServer(dataDirectory: directory)
        #expect(ProcessGroup.members(of: old).isEmpty, "the old replica's process group is still alive")
        #expect(try await eventually(seconds: 240) { try evaluation().status == "finished" })
        let view = try evaluation()
        #expect(view.progress.done == 90 && view.progress.total == 90 && view.error == nil)
        let runs = try replicas()
        #expect(runs.contains { $0.pid == old && $0.status == .stopped && $0.error?.contains("stopped when the server started again") == true })
        #expect(runs.contains { $0.pid != old && $0.status == .ready })
        let fresh = try #require(runs.first { $0.status == .ready }?.pid)
        // SIGTERM of the server stops its replicas too.
        server.stop(signal: SIGTERM)
        #expect(ProcessGroup.members(of: fresh).isEmpty)
    }
}
