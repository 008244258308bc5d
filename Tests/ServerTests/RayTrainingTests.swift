import Benchmarks
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// Template jobs with `"launcher": "ray"` on a real Ray head: the stand-in
/// verl recipe runs as a Ray job (its directory uploaded as the
/// `working_dir` package), its metrics come back through Ray's log and the
/// metrics file, its checkpoint is merged and registered here; failures,
/// cancels and a restart of the training manager mid-job.
@Suite("Template jobs on Ray", .enabled(if: RayHead.shouldRun))
struct RayTrainingTests {
    typealias Fixture = RecipeFixture

    /// The templates, on the head at `address`: `ray-recipe` (every option
    /// a parameter) and `ray-merged` (a checkpoints section, merged locally).
    static func templates(address: String, package: String) -> String {
        let merger = TestEnvironment.fixture("stand_in_model_merger.py")
        let hf = TestEnvironment.fixture("hf-tiny-qwen3")
        return """
            {"templates": [
              {"name": "ray-recipe", "launcher": "ray",
               "ray": {"address": "\(address)", "runtime_env": {"working_dir": "\(package)"}, "entrypoint_num_cpus": 0},
               "command": ["python3", "stand_in_verl_recipe.py", "--steps", "{steps}", "--ckpt-dir", "{workdir}/ckpt",
                           "--sleep", "{sleep}", "--fail-at", "{fail_at}", "--restart-at", "{restart_at}",
                           "--hold-after", "{hold_after}", "--go-file", "{workdir}/go", "--record-dir", "{workdir}/record", "{flag}"],
               "parameters": {
                 "steps": {"default": "4", "pattern": "[0-9]{1,4}"}, "sleep": {"default": "0.02", "pattern": "[0-9.]{1,6}"},
                 "fail_at": {"default": "0", "pattern": "[0-9]+"}, "restart_at": {"default": "0", "pattern": "[0-9]+"},
                 "hold_after": {"default": "0", "pattern": "[0-9]+"}, "flag": {"default": "--plain", "pattern": "--[a-z-]+"}},
               "env": {"RECIPE_SETTING": "from-template"},
               "success": {"checkpoint_dir": "{workdir}/ckpt", "min_checkpoint_step": "{steps}", "min_metric_step": "{steps}"}},
              {"name": "ray-merged", "launcher": "ray",
               "ray": {"address": "\(address)", "runtime_env": {"working_dir": "\(package)"}},
               "command": ["python3", "stand_in_verl_recipe.py", "--steps", "3", "--ckpt-dir", "{workdir}/ckpt",
                           "--record-dir", "{workdir}/record"],
               "success": {"checkpoint_dir": "{workdir}/ckpt", "min_checkpoint_step": "3"},
               "checkpoints": {"directory": "{workdir}/ckpt",
                               "merge": ["/usr/bin/env", "python3", "\(merger)", "--local_dir", "{actor_dir}",
                                         "--target_dir", "{target_dir}", "--hf-source", "\(hf)"]}}
            ]}
            """
    }

    /// A server whose templates run on the test process's Ray head.
    private func environment() async throws -> TestEnvironment {
        let address = try await RayHead.dashboard()
        let env = try await TestEnvironment(hfTensorCheck: BuiltinHFTensorCheck())
        // Only the recipe goes into the package (the fixtures directory is large).
        let package = env.directory.appendingPathComponent("recipe-package")
        try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: TestEnvironment.fixture("stand_in_verl_recipe.py"), toPath: package.appendingPathComponent("stand_in_verl_recipe.py").path)
        try Data(Self.templates(address: address, package: package.path).utf8)
            .write(to: env.directory.appendingPathComponent(JobTemplates.fileName))
        return env
    }

    private func record(_ env: TestEnvironment, _ id: Int64, _ name: String) -> URL {
        env.directory.appendingPathComponent("jobs/\(id)/record/\(name)")
    }

    struct RayJobBody: Decodable {
        struct Ray: Decodable {
            let address: String
            let submission_id: String
        }
        let launcher: String
        let ray: Ray?
    }

    @Test func aRayJobTrainsAndItsMergedCheckpointIsRegisteredAndEvaluated() async throws {
        let env = try await environment()
        try await env.application().test(.router) { client in
            let imported = try await client.execute(
                uri: "/api/v1/datasets/gsm8k", method: .put, headers: env.headers("application/x-ndjson"),
                body: ByteBuffer(string: EvaluationFixture.gsm8k))
            #expect(imported.status == .created)
            let created = try await Fixture.post(
                client, #"{"template":"ray-merged","evaluate":{"benchmarks":["gsm8k"],"samples":1,"limit":1}}"#,
                headers: env.adminHeaders)
            #expect(created.status == .accepted, "\(String(buffer: created.body))")
            let id = try created.body.json(Fixture.Job.self).id
            let shown = try created.body.json(RayJobBody.self)
            #expect(shown.launcher == "ray")
            let instance = try await ServerInstance.id(env.services.database)
            #expect(shown.ray?.submission_id == "aepo-\(instance)-job-\(id)")
            #expect(shown.ray?.address == (try await RayHead.dashboard()))

            let job = try await Fixture.wait(client, id, seconds: 120, until: Fixture.ended)
            #expect(job.status == "finished", "\(job.error ?? "")")
            let steps = Fixture.metricSteps(try await Fixture.events(env, id))
            #expect(steps == [1, 2, 3], "each step once: \(steps)")
            // The job's variables are the template's env and the metrics file, on the cluster.
            let environment = try JSONDecoder().decode(
                [String: String].self, from: Data(contentsOf: record(env, id, "env.json")))
            #expect(environment["VERL_FILE_LOGGER_PATH"] == env.directory.appendingPathComponent("jobs/\(id)/metrics.jsonl").path)

            let checkpointID = try #require(job.checkpoint_id)
            let checkpoint = try await client.execute(uri: "/api/v1/checkpoints/\(checkpointID)", method: .get)
                .body.json(CheckpointView.self)
            #expect(checkpoint.kind == .hf && checkpoint.trainingJobID == id)
            let evaluationID = try #require(job.evaluation_id)
            let view = try await client.execute(uri: "/api/v1/evaluations/\(evaluationID)", method: .get).body.json(EvaluationView.self)
            #expect(view.checkpoint.id == checkpointID)
            let ray = try RayJobsClient(address: try await RayHead.dashboard())
            #expect(try await ray.info("aepo-\(instance)-job-\(id)").status == .succeeded)
        }
    }

    @Test func aFailingRunFailsWithRaysReasonAndItsLastLines() async throws {
        let env = try await environment()
        try await env.application().test(.router) { client in
            let id = try await Fixture.post(
                client, #"{"template":"ray-recipe","parameters":{"fail_at":"2"}}"#, headers: env.adminHeaders
            ).body.json(Fixture.Job.self).id
            let job = try await Fixture.wait(client, id, seconds: 120, until: Fixture.ended)
            #expect(job.status == "failed")
            let error = job.error ?? ""
            #expect(error.contains("failed with exit code 1"), "\(error)")
            #expect(error.contains("the stand-in failed on purpose"), "\(error)")
            #expect(Fixture.metricSteps(try await Fixture.events(env, id)) == [1, 2])
        }
    }

    @Test func cancelStopsTheRayJobAndLeavesNoProcess() async throws {
        let env = try await environment()
        try await env.application().test(.router) { client in
            // The recipe's child ignores SIGTERM: Ray's SIGKILL must reach it.
            let id = try await Fixture.post(
                client, #"{"template":"ray-recipe","parameters":{"hold_after":"1","flag":"--child"}}"#, headers: env.adminHeaders
            ).body.json(Fixture.Job.self).id
            let pidFile = record(env, id, "recipe.pid"), childFile = record(env, id, "child.pid")
            #expect(try await Fixture.eventually(seconds: 120) {
                FileManager.default.fileExists(atPath: pidFile.path) && FileManager.default.fileExists(atPath: childFile.path)
            })
            _ = try await Fixture.wait(client, id) { $0.status == "running" }
            let recipe = try #require(Int32(try String(contentsOf: pidFile, encoding: .utf8)))
            let child = try #require(Int32(try String(contentsOf: childFile, encoding: .utf8)))
            let start = ContinuousClock.now
            let cancelled = try await client.execute(
                uri: "/api/v1/training-jobs/\(id)/cancel", method: .post, headers: env.adminHeaders)
            let took = ContinuousClock.now - start
            #expect(try cancelled.body.json(Fixture.Job.self).status == "cancelled")
            // Ray's own grace is about 3 s; aepo waits at most its grace (1 s here) and 5 s more
            // (slower when the machine is loaded); the held recipe would run on for 120 s.
            #expect(took < .seconds(30), "the cancel took \(took)")
            #expect(try await Fixture.eventually(seconds: 30) { !Fixture.isRunning(recipe) && !Fixture.isRunning(child) })
        }
    }

    /// The server's training manager stops while the job trains and a new
    /// one recovers it: it follows on from the stored offsets. The recipe
    /// also resumes once (its metrics file truncated, steps 5.. logged again).
    @Test func aRestartedManagerFollowsTheJobOnWithEveryStepOnce() async throws {
        let env = try await environment()
        let store = env.services.training
        let id = try await env.application().test(.router) { client in
            try await Fixture.post(
                client, #"{"template":"ray-recipe","parameters":{"steps":"8","hold_after":"3","restart_at":"5"}}"#,
                headers: env.adminHeaders
            ).body.json(Fixture.Job.self).id
        }
        #expect(try await Fixture.eventually(seconds: 120) { FileManager.default.fileExists(atPath: record(env, id, "recipe.pid").path) })
        var step = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while step < 3, ContinuousClock.now < deadline {
            step = try await store.lastMetricStep(job: id) ?? 0
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(step == 3)
        // The metrics file can be ahead of Ray's log: wait until some of the log is read too,
        // so the next manager has an offset to go on from.
        var position: OutputFile.Position?
        let logDeadline = ContinuousClock.now + .seconds(60)
        while position == nil, ContinuousClock.now < logDeadline {
            position = try await store.positions(job: id)[TrainingManager.rayLogSource]
            if position == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(position != nil)
        await env.services.trainingManager.shutdown()
        // Lines printed while nobody follows are read by the next manager.

        let next = TrainingManager(
            store: store, hub: env.services.hub, logger: .init(label: "test"), settings: .init(config: env.services.config)
        ) { _, _, _ in TrainingResults.Outcome() }
        await next.recover(try await store.unfinished())
        _ = FileManager.default.createFile(atPath: env.directory.appendingPathComponent("jobs/\(id)/go").path, contents: nil)
        let job = try await Fixture.ended(store, id)
        #expect(job.status == .finished, "\(job.error ?? "")")
        // Sorted: step 4 was only in the metrics file the resumed run
        // truncated, so it may come later, from Ray's log.
        let steps = Fixture.metricSteps(try await Fixture.events(env, id))
        #expect(steps.sorted() == Array(1...8), "each step exactly once: \(steps)")
        await next.shutdown()
    }

    /// The follower reads the driver log in byte ranges from the node's
    /// agent: its stored offset is the file's size in bytes, which the
    /// whole-log endpoint's text (a "\r\n" one byte there) would not give.
    @Test func theFollowerReadsTheDriverLogInByteRanges() async throws {
        let env = try await environment()
        let store = env.services.training
        let address = try await RayHead.dashboard()
        let submission = "aepo-test-\(UUID().uuidString.prefix(8))-ranges"
        let script = "import sys\nfor i in range(1, 4): sys.stdout.write(f'step:{i} - score:0.5\\r\\n')\nprint('done')"
        let (id, _) = try await store.createJob(
            kind: "template", template: "ray-recipe", request: [:], jobsDirectory: env.directory.appendingPathComponent("jobs")
        ) { workdir in
            TrainingLaunch(
                arguments: ["python3", "-c", script], workingDirectory: workdir, eventsFile: nil,
                outputCheckpoint: nil, evaluate: nil, checkpointName: "x", jobDirectory: workdir,
                ray: RayLaunch(address: address, submissionID: submission, runtimeEnvironment: [:]))
        }
        try await TrainingService(store: store, manager: env.services.trainingManager, logger: .init(label: "t")).recover()
        let job = try await Fixture.ended(store, id)
        #expect(job.status == .finished, "\(job.error ?? "")")
        #expect(Fixture.metricSteps(try await Fixture.events(env, id)) == [1, 2, 3])
        let client = try RayJobsClient(address: address)
        let agent = try #require(try await client.info(submission).driverAgentHTTPAddress)
        guard case .end(let size) = try await client.driverLog(agent: agent, submissionID: submission, from: 1 << 30, maxBytes: 1) else {
            Issue.record("the agent did not give the log's size")
            return
        }
        let offset = try await store.positions(job: id)[TrainingManager.rayLogSource]?.offset
        #expect(offset == size)
        #expect(Int64(try await client.logs(submission).utf8.count) == size - 3)
    }

    /// A job recorded with its submission id, submitted by a server that
    /// died before storing it as running, is found by that id; one Ray
    /// does not know ends `interrupted`.
    @Test func recoveryFindsASubmittedJobByItsIdAndEndsAnUnknownOne() async throws {
        let env = try await environment()
        let store = env.services.training
        let address = try await RayHead.dashboard()
        let client = try RayJobsClient(address: address)
        func create(_ submissionID: String) async throws -> (Int64, TrainingLaunch) {
            try await store.createJob(
                kind: "template", template: "ray-recipe", request: [:], jobsDirectory: env.directory.appendingPathComponent("jobs")
            ) { workdir in
                TrainingLaunch(
                    arguments: ["python3", "-c", "print('step:1 - score:0.5')"], workingDirectory: workdir, eventsFile: nil,
                    outputCheckpoint: nil, evaluate: nil, checkpointName: "x", jobDirectory: workdir,
                    ray: RayLaunch(address: address, submissionID: submissionID, runtimeEnvironment: [:]))
            }
        }
        let tag = UUID().uuidString.prefix(8)
        let (submitted, launch) = try await create("aepo-test-\(tag)-submitted")
        try await client.submit(RayJobSubmission(submissionID: "aepo-test-\(tag)-submitted", entrypoint: launch.arguments))
        let (lost, _) = try await create("aepo-test-\(tag)-lost")
        try await store.setStatus(lost, .running)

        try await TrainingService(store: store, manager: env.services.trainingManager, logger: .init(label: "t")).recover()
        let gone = try await store.job(lost)
        #expect(gone.status == .interrupted)
        #expect(gone.error?.contains("no longer knows submission id aepo-test-\(tag)-lost") == true, "\(gone.error ?? "")")
        let job = try await Fixture.ended(store, submitted)
        #expect(job.status == .finished, "\(job.error ?? "")")
        #expect(Fixture.metricSteps(try await Fixture.events(env, submitted)) == [1])
        // Found, not submitted twice: the one Ray job ran once.
        #expect(try await client.list().filter { $0.submissionID == "aepo-test-\(tag)-submitted" }.count == 1)
    }
}
