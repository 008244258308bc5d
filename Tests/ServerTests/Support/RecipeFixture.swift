import Benchmarks
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

@testable import Server
@testable import ServerCore

/// Job templates around `stand_in_verl_recipe.py`, and the calls the
/// template-job tests share.
enum RecipeFixture {
    /// The templates file: `recipe` (every option a parameter), `tee-recipe`
    /// (the recipe under `2>&1 | tee` without pipefail), `admin-only` and
    /// `two-gpus`, and `merged-recipe`, whose checkpoint
    /// `stand_in_model_merger.py` "merges" into a copy of the tiny HF fixture.
    static func templates() -> String {
        let recipe = TestEnvironment.fixture("stand_in_verl_recipe.py")
        let merger = TestEnvironment.fixture("stand_in_model_merger.py")
        let hf = TestEnvironment.fixture("hf-tiny-qwen3")
        return """
            {"templates": [
              {"name": "recipe",
               "command": ["/usr/bin/env", "python3", "\(recipe)", "--steps", "{steps}", "--ckpt-dir", "{workdir}/ckpt",
                           "--sleep", "{sleep}", "--nan-at", "{nan_at}", "--fail-at", "{fail_at}", "--restart-at", "{restart_at}",
                           "--hold-after", "{hold_after}", "--go-file", "{workdir}/go", "{flag}", "{flag2}", "{override}", "{override2}"],
               "parameters": {
                 "steps": {"default": "6", "pattern": "[0-9]{1,4}"}, "sleep": {"default": "0.02", "pattern": "[0-9.]{1,6}"},
                 "nan_at": {"default": "0", "pattern": "[0-9]+"}, "fail_at": {"default": "0", "pattern": "[0-9]+"},
                 "restart_at": {"default": "0", "pattern": "[0-9]+"}, "hold_after": {"default": "0", "pattern": "[0-9]+"},
                 "flag": {"default": "--plain", "pattern": "--[a-z-]+"}, "flag2": {"default": "--plain", "pattern": "--[a-z-]+"},
                 "override": {"default": "trainer.project_name=aepo"}, "override2": {"default": "trainer.experiment_name=test"}},
               "working_directory": "{workdir}/run",
               "env": {"RECIPE_SETTING": "from-template", "RECIPE_OUT": "{workdir}/ckpt"},
               "success": {"checkpoint_dir": "{workdir}/ckpt", "min_checkpoint_step": "{steps}", "min_metric_step": "{steps}"}},
              {"name": "tee-recipe",
               "command": ["/bin/sh", "-c", "python3 \(recipe) --steps \\"$1\\" --fail-at \\"$2\\" --ckpt-dir \\"$3\\" 2>&1 | tee run.log",
                           "recipe", "{steps}", "{fail_at}", "{workdir}/ckpt"],
               "parameters": {"steps": {"default": "6", "pattern": "[0-9]+"}, "fail_at": {"default": "0", "pattern": "[0-9]+"}},
               "success": {"checkpoint_dir": "{workdir}/ckpt", "min_checkpoint_step": "{steps}"}},
              {"name": "admin-only", "command": ["/bin/true"], "requires_admin": true},
              {"name": "two-gpus", "gpus": 2,
               "command": ["/usr/bin/env", "python3", "\(recipe)", "--steps", "2", "--hold-after", "1", "--go-file", "{workdir}/go"]},
              {"name": "three-gpus", "gpus": 3, "command": ["/bin/true"]},
              {"name": "merged-recipe",
               "command": ["/usr/bin/env", "python3", "\(recipe)", "--steps", "{steps}", "--ckpt-dir", "{workdir}/ckpt"],
               "parameters": {"steps": {"default": "4", "pattern": "[0-9]{1,4}"},
                              "merge_flag": {"default": "--plain", "pattern": "--[a-z-]+"}},
               "working_directory": "{workdir}/run",
               "success": {"checkpoint_dir": "{workdir}/ckpt", "min_checkpoint_step": "{steps}"},
               "checkpoints": {"directory": "{workdir}/ckpt",
                               "merge": ["/usr/bin/env", "python3", "\(merger)", "--local_dir", "{actor_dir}",
                                         "--target_dir", "{target_dir}", "--hf-source", "\(hf)", "{merge_flag}"]}}
            ]}
            """
    }

    static func install(in directory: URL) throws {
        try Data(templates().utf8).write(to: directory.appendingPathComponent(JobTemplates.fileName))
    }

    struct Job: Decodable {
        let id: Int64
        let status: String
        let error: String?
        let pid: Int32?
        let gpus: [Int]?
        let started_at: String?
        let finished_at: String?
        let checkpoint_id: Int64?
        let evaluation_id: Int64?
    }

    static func post(
        _ client: some TestClientProtocol, _ json: String, headers: HTTPFields
    ) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await client.execute(uri: "/api/v1/training-jobs", method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    static func job(_ client: some TestClientProtocol, _ id: Int64) async throws -> Job {
        try await client.execute(uri: "/api/v1/training-jobs/\(id)", method: .get).body.json(Job.self)
    }

    /// Polls the job until `condition` holds (at most `seconds`).
    static func wait(
        _ client: some TestClientProtocol, _ id: Int64, seconds: Double = 60, until condition: (Job) -> Bool
    ) async throws -> Job {
        let deadline = Date().addingTimeInterval(seconds)
        var job = try await Self.job(client, id)
        while !condition(job), Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
            job = try await Self.job(client, id)
        }
        return job
    }

    /// Reads job `id` from the store until it has ended (at most `seconds`).
    static func ended(_ store: TrainingStore, _ id: Int64, seconds: Double = 120) async throws -> TrainingStore.Job {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        var job = try await store.job(id)
        while !job.status.isTerminal, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            job = try await store.job(id)
        }
        return job
    }

    /// Polls `condition` every 50 ms for up to `seconds`.
    static func eventually(seconds: Double = 30, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    static func ended(_ job: Job) -> Bool { ["finished", "failed", "cancelled", "interrupted"].contains(job.status) }

    /// The job's events as (kind, data) pairs.
    static func events(_ env: TestEnvironment, _ id: Int64) async throws -> [JobEvent] {
        try await env.services.training.events(job: id, after: 0, limit: 100_000)
    }

    /// The steps of the job's metric events, in order.
    static func metricSteps(_ events: [JobEvent]) -> [Int] {
        events.filter { $0.kind == .metric }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.data.utf8)) as? [String: Any])?["step"] as? Int
        }
    }

    /// Live processes (zombies excluded) whose process group is `group`.
    static func processes(inGroup group: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let fields = ProcessIdentity.statFields(stat), fields.count > 2
            else { return false }
            return fields[2] == Substring(String(group)) && fields[0] != "Z" && fields[0] != "X"
        }
    }

    /// Whether `pid` runs (a zombie does not).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let state = ProcessIdentity.statFields(stat)?.first
        else { return false }
        return state != "Z" && state != "X"
    }
}
