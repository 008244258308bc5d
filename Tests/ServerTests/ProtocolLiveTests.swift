import Foundation
import Testing

@testable import Server
@testable import ServerCore

/// A run with errored and continued samples on a real `aepo serve`,
/// killed with SIGKILL halfway: the restarted server finishes it with the
/// same numbers, every sample stored once.
@Suite("Protocol runs on a live server", .serialized)
struct ProtocolLiveTests {
    let work: URL

    init() throws { work = try TemporaryDirectory.make() }

    /// Polls `condition` every 100 ms for up to `seconds`, sleeping without
    /// holding a thread of the cooperative pool (the stand-in model answers
    /// from that pool, and `eventually`'s `usleep` starves it on 2 cores when
    /// live suites run side by side).
    private func waitUntil(seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    private func evaluation(_ server: LiveServer, id: Int64) throws -> EvaluationView {
        try JSONDecoder().decode(EvaluationView.self, from: Data(try curl(["\(server.baseURL)/api/v1/evaluations/\(id)"]).output.utf8))
    }

    @Test func killedDuringARunWithErrorsResumesWithTheSameNumbers() async throws {
        let model = VLLMStandIn(behaviours: ProtocolFixture.behaviours(), latency: .milliseconds(150))
        let (port, modelServer) = try await model.start()
        defer { modelServer.cancel() }
        let data = work.appendingPathComponent("data")
        let server = try LiveServer(dataDirectory: data)
        let token = server.adminToken
        let dataset = work.appendingPathComponent("gsm8k.jsonl")
        try Data(EvaluationFixture.gsm8k.utf8).write(to: dataset)
        _ = try curl(["-X", "PUT", "--data-binary", "@\(dataset.path)", "-H", "Authorization: Bearer \(token)",
                      "-H", "Content-Type: application/x-ndjson", "\(server.baseURL)/api/v1/datasets/gsm8k"])
        _ = try curl(["-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json", "-d",
                      #"{"name":"fake","endpoint":{"url":"http://127.0.0.1:\#(port)/v1","model":"fake","max_concurrency":2}}"#,
                      "\(server.baseURL)/api/v1/checkpoints"])
        let created = try curl([
            "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json",
            "-d", #"{"checkpoint":"fake","benchmarks":["gsm8k"],"samples":5}"#, "\(server.baseURL)/api/v1/evaluations",
        ]).output
        let id = try JSONDecoder().decode(EvaluationView.self, from: Data(created.utf8)).id
        #expect(try await waitUntil(seconds: 120) { ((try? evaluation(server, id: id))?.progress.done ?? 0) >= 6 })
        server.stop(signal: SIGKILL)
        let beforeKill = try await AppDatabase.open(directory: data).writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sample") ?? 0
        }
        #expect(beforeKill >= 6 && beforeKill < 15, "the kill must land mid-run")

        let restarted = try LiveServer(dataDirectory: data)
        #expect(try await waitUntil(seconds: 240) { (try? evaluation(restarted, id: id))?.status == .finished })
        let view = try evaluation(restarted, id: id)
        #expect(view.progress == .init(done: 15, total: 15))
        let result = try #require(view.results.first)
        #expect(result.errors == ProtocolFixture.expectedErrors)
        #expect(abs((result.passAt1 ?? -1) - ProtocolFixture.expectedPassAt1) < 1e-12)
        #expect(abs((result.passAt5 ?? -1) - ProtocolFixture.expectedPassAt5) < 1e-12)
        let stored = try await AppDatabase.open(directory: data).writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT DISTINCT benchmark, item_id, repeat FROM sample WHERE evaluation_id = ?)", arguments: [id])
        }
        #expect(stored == 15)
        _ = restarted.stop()
    }
}
