import Foundation
import Testing

@testable import ServerCore

/// Engine profiles with the `ray` launcher against a real Ray head: each
/// replica is a Ray job running the built `aepo serve-model` on the tiny
/// Qwen3 fixture, found by the port its bootstrap reports; a replica that
/// cannot start fails its evaluation with its log; a `kill -9` of aepo
/// leaves a Ray job that the restarted server stops, and the evaluation
/// finishes on a fresh one.
@Suite("Engine replicas on a real Ray head", .serialized, .enabled(if: RayHead.shouldRun))
struct LiveRayEngineTests {
    struct Evaluation: Decodable {
        struct Progress: Decodable { let done: Int; let total: Int }
        let status: String
        let progress: Progress
        let error: String?
    }

    /// A server with the tiny checkpoint and gsm8k, and a curl bound to it.
    struct Setup {
        let directory: URL
        var server: LiveServer
        var auth: [String] { ["-H", "Authorization: Bearer \(server.adminToken)"] }

        init() throws {
            directory = try TemporaryDirectory.make()
            server = try LiveServer(dataDirectory: directory)
            let archive = directory.appendingPathComponent("tiny.tar")
            try Data(TarFixture.archive(try TinyHFCheckpoint.entries(under: "tiny"))).write(to: archive)
            try curl(auth + ["-T", archive.path, "-H", "Content-Type: application/x-tar", "\(server.baseURL)/api/v1/checkpoints?name=tiny"])
            try curl(auth + ["-X", "PUT", "-H", "Content-Type: application/x-ndjson", "--data-binary", EvaluationFixture.gsm8k,
                             "\(server.baseURL)/api/v1/datasets/gsm8k"])
        }

        @discardableResult
        func putEngine(_ name: String, _ profile: [String: Any]) throws -> (status: Int32, output: String) {
            let body = String(decoding: try JSONSerialization.data(withJSONObject: profile), as: UTF8.self)
            return try curl(auth + ["-X", "PUT", "-H", "Content-Type: application/json", "--data-binary", body,
                                    "-w", "\n%{http_code}", "\(server.baseURL)/api/v1/engines/\(name)"])
        }

        func evaluate(engine: String, samples: Int) throws -> Int {
            let body = #"{"checkpoint":"tiny","benchmarks":["gsm8k"],"samples":\#(samples),"engine":"\#(engine)","#
                + #""sampling":{"max_tokens":24},"limits":{"max_model_calls":2},"chat_template_kwargs":{"enable_thinking":false}}"#
            let created = try curl(auth + ["-H", "Content-Type: application/json", "-d", body, "\(server.baseURL)/api/v1/evaluations"])
            let object = try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any]
            return try #require(object?["id"] as? Int, "\(created.output)")
        }

        func evaluation(_ id: Int) throws -> Evaluation {
            try JSONDecoder().decode(Evaluation.self, from: Data(try curl(["\(server.baseURL)/api/v1/evaluations/\(id)"]).output.utf8))
        }

        func replicas(_ engine: String) throws -> [EngineReplicaView] {
            try JSONDecoder().decode(
                EngineFixture.EngineBody.self, from: Data(try curl(["\(server.baseURL)/api/v1/engines/\(engine)"]).output.utf8)
            ).replicas
        }
    }

    static func rayProfile(dashboard: String, command: [String]? = nil) -> [String: Any] {
        var profile = EngineFixture.serveModelProfile()
        // On Ray `{host}` is 0.0.0.0: aepo reaches the replica at its node's address.
        profile["command"] = command ?? (profile["command"] as? [String] ?? []) + ["--host", "{host}"]
        profile["launcher"] = "ray"
        profile["ray"] = ["address": dashboard, "entrypoint_num_cpus": 0.5]
        profile["env"] = ["AEPO_TEST_MARK": "ray-replica"]
        return profile
    }

    @Test func aKilledServersRayReplicaIsStoppedAtRestartAndTheEvaluationFinishes() async throws {
        let dashboard = try await RayHead.dashboard()
        let ray = try RayJobsClient(address: dashboard)
        var setup = try Setup()
        defer { setup.server.stop(signal: SIGTERM) }
        #expect(try setup.putEngine("tiny-ray", Self.rayProfile(dashboard: dashboard)).output.hasSuffix("201"))
        let id = try setup.evaluate(engine: "tiny-ray", samples: 30)
        let started = try await eventually(seconds: 180) {
            try setup.evaluation(id).progress.done >= 1 && setup.replicas("tiny-ray").first?.status == .ready
        }
        let tail = try setup.replicas("tiny-ray").first?.logTail ?? "no replica"
        try #require(started, "\(tail)")
        let first = try #require(try setup.replicas("tiny-ray").first)
        #expect(first.launcher == "ray")
        let job = try #require(first.raySubmissionID)
        #expect(job.hasPrefix("aepo-") && job.hasSuffix("-replica-\(first.id)"))
        // The address is the node's, with the port the bootstrap reported; the engine answered /version.
        #expect(first.address?.hasPrefix("http://") == true && first.address?.contains("0.0.0.0") == false)
        #expect(first.engineVersion != nil)
        #expect(try await ray.info(job).status == .running)
        #expect(try await ray.logs(job).contains(EngineProfile.rayPortMarker))

        setup.server.stop(signal: SIGKILL)
        // The Ray job outlives the server.
        #expect(try await ray.info(job).status == .running)
        setup.server = try LiveServer(dataDirectory: setup.directory)
        #expect(try await ray.info(job).status.isTerminal, "the old replica's Ray job still runs")
        #expect(try await eventually(seconds: 240) { try setup.evaluation(id).status == "finished" })
        let view = try setup.evaluation(id)
        #expect(view.progress.done == 90 && view.progress.total == 90 && view.error == nil)
        let runs = try setup.replicas("tiny-ray")
        #expect(runs.contains { $0.raySubmissionID == job && $0.status == .stopped
            && $0.error?.contains("was stopped when the server started again") == true })
        let fresh = try #require(runs.first { $0.status == .ready }?.raySubmissionID)
        #expect(fresh != job)
        // SIGTERM of the server stops its Ray replicas too.
        setup.server.stop(signal: SIGTERM)
        #expect(try await ray.info(fresh).status.isTerminal)
    }

    @Test func aReplicaThatCannotStartFailsTheEvaluationWithItsLog() async throws {
        let dashboard = try await RayHead.dashboard()
        let setup = try Setup()
        defer { setup.server.stop(signal: SIGTERM) }
        let command = ["sh", "-c", "echo \"engine on port $1 cannot load $AEPO_TEST_MARK\"; exit 7", "sh", "{port}"]
        #expect(try setup.putEngine("broken-ray", Self.rayProfile(dashboard: dashboard, command: command)).output.hasSuffix("201"))
        let id = try setup.evaluate(engine: "broken-ray", samples: 1)
        #expect(try await eventually(seconds: 120) { try setup.evaluation(id).status == "failed" })
        let error = try #require(try setup.evaluation(id).error)
        #expect(error.contains("cannot load ray-replica"), "\(error)")
        #expect(error.contains("exit status 7") || error.contains("FAILED"), "\(error)")
        let run = try #require(try setup.replicas("broken-ray").first)
        #expect(run.status == .failed && run.logTail?.contains("cannot load ray-replica") == true)
    }

    @Test func rayProfilesAreCheckedFieldByField() throws {
        let setup = try Setup()
        defer { setup.server.stop(signal: SIGTERM) }
        var noSettings = EngineFixture.serveModelProfile()
        noSettings["launcher"] = "ray"
        let missing = try setup.putEngine("a", noSettings)
        #expect(missing.output.hasSuffix("400") && missing.output.contains("needs \\\"ray\\\""), "\(missing.output)")
        var local = EngineFixture.serveModelProfile()
        local["ray"] = ["address": "http://head:8265"]
        #expect(try setup.putEngine("b", local).output.contains("are for \\\"launcher\\\": \\\"ray\\\""))
        var badAddress = Self.rayProfile(dashboard: "head:8265")
        #expect(try setup.putEngine("c", badAddress).output.contains("ray.address must be"))
        badAddress["ray"] = ["address": "http://head:8265", "runtime_env": ["env_vars": ["A": "1"]]]
        #expect(try setup.putEngine("d", badAddress).output.contains("must not set env_vars"))
        badAddress["ray"] = ["address": "http://head:8265", "placement": "x"]
        #expect(try setup.putEngine("e", badAddress).output.hasSuffix("400"))
    }
}
