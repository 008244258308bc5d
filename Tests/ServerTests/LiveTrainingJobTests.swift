import Foundation
import Testing

/// A built-in RL job run by the real `aepo` binary as the server's child:
/// the SFT warm-start phase, then AEPO steps, every event stored and
/// replayed, the final checkpoint registered and evaluated on the suite.
@Suite("Live RL training job", .serialized)
struct LiveTrainingJobTests {
    private static let tinyHyperparameters = """
        {"prompts_per_step":2,"rollout":{"group_size":2,"arpo_global_samples":1},"max_tokens_per_call":8,\
        "mini_batches":1,"data":{"train_items":20,"test_items":2},"warm_start_steps":2,\
        "warm_start":{"model":{"d_model":16,"n_layer":1,"n_head":2,"context_length":192},"batch_size":2}}
        """

    @Test func aepoJobRunsWarmStartThenRLAndRegistersItsCheckpoint() async throws {
        let data = try TemporaryDirectory.make()
        let server = try LiveServer(dataDirectory: data)
        defer { server.stop() }
        let body = #"{"algorithm":"aepo","task":"synth-arith","steps":2,"seed":3,"evaluate":{"benchmarks":["synth-arith"],"samples":1},"hyperparameters":\#(Self.tinyHyperparameters)}"#
        let created = try curl([
            "-H", "Authorization: Bearer \(server.adminToken)", "-H", "Content-Type: application/json", "-d", body,
            "\(server.baseURL)/api/v1/training-jobs",
        ]).output
        let id = try #require((try JSONSerialization.jsonObject(with: Data(created.utf8)) as? [String: Any])?["id"] as? Int, "\(created)")
        var job: [String: Any] = [:]
        let ended = try await eventually(seconds: 180) {
            let text = try curl(["\(server.baseURL)/api/v1/training-jobs/\(id)"]).output
            job = (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
            return ["finished", "failed", "cancelled"].contains(job["status"] as? String ?? "")
        }
        #expect(ended && job["status"] as? String == "finished", "\(job)")
        #expect(job["checkpoint_id"] as? Int != nil)
        let stream = try curl(["-N", "--max-time", "20", "\(server.baseURL)/api/v1/training-jobs/\(id)/events"]).output
        let metrics: [String] = stream.components(separatedBy: "\n\n").filter { $0.contains("event: metric") }
        #expect(metrics.count == 4, "\(metrics.count) metric events")
        #expect(metrics.prefix(2).allSatisfy { $0.contains(#""phase/warm_start":1"#) })
        #expect(metrics.suffix(2).allSatisfy { $0.contains("rollout/global_samples") && $0.contains("actor/pg_clipfrac") })
        #expect(stream.contains("event: end"))
        // The final checkpoint's evaluation on the suite's test split was queued and runs to the end.
        let evaluationID = try #require(job["evaluation_id"] as? Int, "\(job)")
        var evaluation: [String: Any] = [:]
        let evaluated = try await eventually(seconds: 300) {
            let text = try curl(["\(server.baseURL)/api/v1/evaluations/\(evaluationID)"]).output
            evaluation = (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
            return ["finished", "failed", "cancelled"].contains(evaluation["status"] as? String ?? "")
        }
        #expect(evaluated && evaluation["status"] as? String == "finished", "\(evaluation)")
        let results = evaluation["results"] as? [[String: Any]] ?? []
        #expect(results.first?["benchmark"] as? String == "synth-arith" && results.first?["items_done"] as? Int == 100)
    }
}
