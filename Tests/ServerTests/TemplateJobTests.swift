import Benchmarks
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// Template jobs against a stand-in verl recipe run as real processes:
/// whole-group cancel, both of verl's loggers, success checks, the job's
/// environment, admin-only templates, scheduling and hydra arguments.
@Suite("Template jobs on verl's terms")
struct TemplateJobTests {
    typealias Fixture = RecipeFixture

    private func environment(
        variables: [String: String] = [:], configure: (inout ServerConfig) -> Void = { _ in }
    ) async throws -> TestEnvironment {
        let env = try await TestEnvironment(environment: variables, configure: configure)
        try Fixture.install(in: env.directory)
        return env
    }

    private func jobDirectory(_ env: TestEnvironment, _ id: Int64) -> URL {
        env.directory.appendingPathComponent("jobs/\(id)")
    }

    /// (How long the cancel takes is checked against a real server in
    /// ``LiveTemplateJobRestartTests``: in this process the test runner's
    /// blocking tests share the cooperative pool.)
    @Test func cancelStopsTheWholeGroup() async throws {
        let env = try await environment()
        try await env.application().test(.router) { client in
            // The recipe ignores SIGTERM, and so does its child: only the
            // SIGKILL to the group after the grace (1 s here) ends them.
            let created = try await Fixture.post(
                client, #"{"template":"recipe","parameters":{"flag":"--child","flag2":"--ignore-term","hold_after":"1"}}"#,
                headers: env.adminHeaders)
            #expect(created.status == .accepted, "\(String(buffer: created.body))")
            let id = try created.body.json(Fixture.Job.self).id
            let childFile = jobDirectory(env, id).appendingPathComponent("run/child.pid")
            let running = try await Fixture.wait(client, id) { job in
                job.status == "running" && FileManager.default.fileExists(atPath: childFile.path)
            }
            let group = try #require(running.pid)
            let child = try #require(Int32(try String(contentsOf: childFile, encoding: .utf8)))
            #expect(Fixture.processes(inGroup: group).count >= 3, "supervisor, recipe and its child")

            let cancelled = try await client.execute(
                uri: "/api/v1/training-jobs/\(id)/cancel", method: .post, headers: env.adminHeaders)
            #expect(cancelled.status == .ok)
            #expect(try cancelled.body.json(Fixture.Job.self).status == "cancelled")
            #expect(Fixture.processes(inGroup: group).isEmpty, "left in the group: \(Fixture.processes(inGroup: group))")
            #expect(!Fixture.isRunning(child))
        }
    }

    @Test func cancellingAPendingJobMeansItNeverStarts() async throws {
        let env = try await environment { $0.maxRunningJobs = 1 }
        try await env.application().test(.router) { client in
            let first = try await Fixture.post(
                client, #"{"template":"recipe","parameters":{"hold_after":"1"}}"#, headers: env.adminHeaders
            ).body.json(Fixture.Job.self).id
            let second = try await Fixture.post(client, #"{"template":"recipe"}"#, headers: env.adminHeaders)
                .body.json(Fixture.Job.self)
            #expect(second.status == "pending")
            let cancelled = try await client.execute(
                uri: "/api/v1/training-jobs/\(second.id)/cancel", method: .post, headers: env.adminHeaders)
            #expect(try cancelled.body.json(Fixture.Job.self).status == "cancelled")
            _ = FileManager.default.createFile(atPath: jobDirectory(env, first).appendingPathComponent("go").path, contents: nil)
            #expect(try await Fixture.wait(client, first, until: Fixture.ended).status == "finished")
            #expect(try await Fixture.job(client, second.id).started_at == nil)
            #expect(!FileManager.default.fileExists(atPath: jobDirectory(env, second.id).path))
        }
    }

    /// Both loggers report every step, the run resumes once (its metrics
    /// file truncated and steps 5.. logged again), step 3 is NaN and inf:
    /// every step is stored once, the non-finite values as null with a note.
    @Test func bothLoggersAResumedRunAndNonFiniteValues() async throws {
        let env = try await environment()
        try await env.application().test(.router) { client in
            let id = try await Fixture.post(
                client, #"{"template":"recipe","parameters":{"nan_at":"3","restart_at":"5"}}"#, headers: env.adminHeaders
            ).body.json(Fixture.Job.self).id
            let job = try await Fixture.wait(client, id, until: Fixture.ended)
            #expect(job.status == "finished", "\(job.error ?? "")")
            let events = try await Fixture.events(env, id)
            // Each step once; in the order read (a step the truncated file
            // lost comes from the console logger, possibly later).
            let steps = Fixture.metricSteps(events)
            #expect(steps.sorted() == [1, 2, 3, 4, 5, 6], "\(steps)")
            let three = try #require(events.first { $0.kind == .metric && $0.data.contains(#""step":3"#) })
            #expect(three.data.contains(#""actor/pg_loss":null"#) && three.data.contains(#""actor/grad_norm":null"#), "\(three.data)")
            let logs = events.filter { $0.kind == .log }.map(\.data)
            #expect(logs.contains { $0.contains("step 3: actor/pg_loss is NaN; stored as null") })
            #expect(logs.contains { $0.contains("step 3: actor/grad_norm is Infinity; stored as null") })
            #expect(logs.contains { $0.contains("resuming from step 5") })
            // Console metric lines are metrics, not log lines too.
            #expect(!logs.contains { $0.contains("step:2 - ") })
        }
    }

    @Test func exitZeroWithoutTheFinalCheckpointFails() async throws {
        let env = try await environment()
        try await env.application().test(.router) { client in
            // Under `| tee` without pipefail the shell exits 0 after the recipe's traceback.
            let teed = try await Fixture.post(
                client, #"{"template":"tee-recipe","parameters":{"fail_at":"3"}}"#, headers: env.adminHeaders
            ).body.json(Fixture.Job.self).id
            let skipped = try await Fixture.post(
                client, #"{"template":"recipe","parameters":{"flag":"--no-final-checkpoint"}}"#, headers: env.adminHeaders
            ).body.json(Fixture.Job.self).id
            let good = try await Fixture.post(client, #"{"template":"recipe"}"#, headers: env.adminHeaders)
                .body.json(Fixture.Job.self).id

            let teedJob = try await Fixture.wait(client, teed, until: Fixture.ended)
            #expect(teedJob.status == "failed")
            #expect(teedJob.error?.contains("exited with status 0, but the last checkpoint is step 2; expected step 6") == true, "\(teedJob.error ?? "")")
            let skippedJob = try await Fixture.wait(client, skipped, until: Fixture.ended)
            #expect(skippedJob.status == "failed")
            #expect(skippedJob.error?.contains("the last checkpoint is step 4; expected step 6") == true, "\(skippedJob.error ?? "")")
            let goodJob = try await Fixture.wait(client, good, until: Fixture.ended)
            #expect(goodJob.status == "finished", "\(goodJob.error ?? "")")
        }
    }

    @Test func theJobSeesTheAllowListAndItsTemplateEnvironmentOnly() async throws {
        let env = try await environment(variables: [
            "AEPO_ADMIN_TOKEN": "admin-secret", "SEARCH_SERVICE_KEY": "key-secret", "AEPO_PROBE": "server-only",
            "PYTHONPATH": "/server/site", "LANG": "C.UTF-8",
        ])
        try await env.application().test(.router) { client in
            let id = try await Fixture.post(client, #"{"template":"recipe","parameters":{"steps":"2"}}"#, headers: env.adminHeaders)
                .body.json(Fixture.Job.self).id
            #expect(try await Fixture.wait(client, id, until: Fixture.ended).status == "finished")
            let data = try Data(contentsOf: jobDirectory(env, id).appendingPathComponent("run/env.json"))
            let seen = try JSONDecoder().decode([String: String].self, from: data)
            for hidden in ["AEPO_ADMIN_TOKEN", "SEARCH_SERVICE_KEY", "AEPO_PROBE", "PYTHONPATH"] {
                #expect(seen[hidden] == nil, "\(hidden) reached the job")
            }
            #expect(!seen.values.contains { $0.contains("secret") })
            #expect(seen["LANG"] == "C.UTF-8" && seen["PATH"] != nil)
            #expect(seen["RECIPE_SETTING"] == "from-template")
            #expect(seen["RECIPE_OUT"] == jobDirectory(env, id).path + "/ckpt")
            #expect(seen["VERL_FILE_LOGGER_PATH"] == jobDirectory(env, id).path + "/metrics.jsonl")
            #expect(seen["CUDA_VISIBLE_DEVICES"] == nil, "no GPU budget: not set")
        }
    }

    @Test func anAdminOnlyTemplateRefusesAWriteToken() async throws {
        let env = try await environment()
        let writer = try env.token(role: .write)
        try await env.application().test(.router) { client in
            let refused = try await Fixture.post(client, #"{"template":"admin-only"}"#, headers: env.bearer(writer))
            #expect(refused.status == .forbidden)
            #expect(refused.body.errorCode == "forbidden")
            let allowed = try await Fixture.post(client, #"{"template":"admin-only"}"#, headers: env.adminHeaders)
            #expect(allowed.status == .accepted)
            let id = try allowed.body.json(Fixture.Job.self).id
            #expect(try await Fixture.wait(client, id, until: Fixture.ended).status == "finished")
            // A write token still launches an ordinary template.
            let ordinary = try await Fixture.post(client, #"{"template":"recipe","parameters":{"steps":"2"}}"#, headers: env.bearer(writer))
            #expect(ordinary.status == .accepted)
            _ = try await Fixture.wait(client, try ordinary.body.json(Fixture.Job.self).id, until: Fixture.ended)
        }
        let rows = try await env.services.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM training_job") }
        #expect(rows == 2)
    }

    @Test func withOneJobAtATimeTheSecondWaitsPendingThenRuns() async throws {
        let env = try await environment { $0.maxRunningJobs = 1 }
        try await env.application().test(.router) { client in
            let first = try await Fixture.post(
                client, #"{"template":"recipe","parameters":{"hold_after":"1"}}"#, headers: env.adminHeaders
            ).body.json(Fixture.Job.self).id
            let second = try await Fixture.post(client, #"{"template":"recipe","parameters":{"steps":"2"}}"#, headers: env.adminHeaders)
                .body.json(Fixture.Job.self)
            #expect(second.status == "pending")
            _ = try await Fixture.wait(client, first) { $0.status == "running" }
            // The first holds after step 1 until told to go: the second cannot have started.
            _ = try await Fixture.wait(client, first, seconds: 30) { _ in
                FileManager.default.fileExists(atPath: jobDirectory(env, first).appendingPathComponent("stdout.log").path)
            }
            #expect(try await Fixture.job(client, second.id).status == "pending")
            _ = FileManager.default.createFile(atPath: jobDirectory(env, first).appendingPathComponent("go").path, contents: nil)
            let firstEnd = try await Fixture.wait(client, first, until: Fixture.ended)
            let secondEnd = try await Fixture.wait(client, second.id, until: Fixture.ended)
            #expect(firstEnd.status == "finished" && secondEnd.status == "finished", "\(secondEnd.error ?? "")")
            #expect((secondEnd.started_at ?? "") >= (firstEnd.finished_at ?? "~"))
        }
    }

    @Test func gpuJobsGetTheirDevicesAndWaitForFreeOnes() async throws {
        let env = try await environment { $0.gpus = [0, 1, 2] }
        try await env.application().test(.router) { client in
            let tooMany = try await Fixture.post(client, #"{"template":"three-gpus"}"#, headers: env.adminHeaders)
            #expect(tooMany.status == .accepted, "three of three devices fit")
            _ = try await Fixture.wait(client, try tooMany.body.json(Fixture.Job.self).id, until: Fixture.ended)
            let first = try await Fixture.post(client, #"{"template":"two-gpus"}"#, headers: env.adminHeaders).body.json(Fixture.Job.self).id
            let running = try await Fixture.wait(client, first) { $0.status == "running" }
            #expect(running.gpus == [0, 1])
            let second = try await Fixture.post(client, #"{"template":"two-gpus"}"#, headers: env.adminHeaders).body.json(Fixture.Job.self)
            #expect(second.status == "pending", "one device is free, two are needed")
            let cpu = try await Fixture.post(client, #"{"template":"recipe","parameters":{"steps":"2"}}"#, headers: env.adminHeaders)
                .body.json(Fixture.Job.self).id
            // Strict order: the CPU job queued behind the waiting GPU job waits too.
            #expect(try await Fixture.job(client, cpu).status == "pending")
            let envFile = jobDirectory(env, first).appendingPathComponent("env.json")
            _ = try await Fixture.wait(client, first) { _ in FileManager.default.fileExists(atPath: envFile.path) }
            let seen = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: envFile))
            #expect(seen["CUDA_VISIBLE_DEVICES"] == "0,1")
            _ = FileManager.default.createFile(atPath: jobDirectory(env, first).appendingPathComponent("go").path, contents: nil)
            #expect(try await Fixture.wait(client, first, until: Fixture.ended).status == "finished")
            let secondRunning = try await Fixture.wait(client, second.id) { $0.status == "running" }
            #expect(secondRunning.gpus == [0, 1])
            let cpuEnd = try await Fixture.wait(client, cpu, until: Fixture.ended)
            #expect(cpuEnd.status == "finished", "\(cpuEnd.error ?? "")")
            _ = FileManager.default.createFile(atPath: jobDirectory(env, second.id).appendingPathComponent("go").path, contents: nil)
            #expect(try await Fixture.wait(client, second.id, until: Fixture.ended).status == "finished")
        }
        let small = try await environment { $0.gpus = [0, 1] }
        try await small.application().test(.router) { client in
            let refused = try await Fixture.post(client, #"{"template":"three-gpus"}"#, headers: small.adminHeaders)
            #expect(refused.body.errorCode == "insufficient_gpus")
        }
    }

    @Test func hydraValuesReachTheRecipeAsSingleArguments() async throws {
        let env = try await environment()
        let files = #"data.train_files=['/data/a b.parquet','/data/c.parquet']"#
        let loggers = #"trainer.logger=["console","file"]"#
        try await env.application().test(.router) { client in
            let body = try JSONSerialization.data(withJSONObject: [
                "template": "recipe", "parameters": ["steps": "2", "override": files, "override2": loggers],
            ])
            let created = try await Fixture.post(client, String(decoding: body, as: UTF8.self), headers: env.adminHeaders)
            #expect(created.status == .accepted, "\(String(buffer: created.body))")
            let id = try created.body.json(Fixture.Job.self).id
            #expect(try await Fixture.wait(client, id, until: Fixture.ended).status == "finished")
            // working_directory "{workdir}/run" was filled in: argv.json is there.
            let argv = try JSONDecoder().decode(
                [String].self, from: Data(contentsOf: jobDirectory(env, id).appendingPathComponent("run/argv.json")))
            #expect(argv.suffix(2) == [files, loggers])

            for (value, why) in [("a\nb", "control characters"), ("--config-path=/etc", "must not start with"), ("x\u{1b}[31m", "control")] {
                let refused = try JSONSerialization.data(withJSONObject: ["template": "recipe", "parameters": ["override": value]])
                let response = try await Fixture.post(client, String(decoding: refused, as: UTF8.self), headers: env.adminHeaders)
                #expect(response.body.errorCode == "invalid_parameter", "\(value.debugDescription)")
                #expect(String(buffer: response.body).contains(why))
            }
        }
    }

    /// The server died between starting a job and storing its process: the
    /// supervisor's record of itself lets the next server follow it.
    @Test func aJobStartedJustBeforeACrashIsFoundByItsSupervisorsRecord() async throws {
        let env = try await environment()
        let store = env.services.training
        let recipe = TestEnvironment.fixture("stand_in_verl_recipe.py")
        let (id, launch) = try await store.createJob(
            kind: "template", template: "recipe", request: [:], jobsDirectory: env.directory.appendingPathComponent("jobs")
        ) { workdir in
            TrainingLaunch(
                arguments: ["/usr/bin/env", "python3", recipe, "--steps", "3", "--ckpt-dir", workdir + "/ckpt"],
                workingDirectory: workdir, eventsFile: workdir + "/metrics.jsonl", outputCheckpoint: nil, evaluate: nil,
                checkpointName: "crash", jobDirectory: workdir, environment: ["VERL_FILE_LOGGER_PATH": workdir + "/metrics.jsonl"],
                success: SuccessCheck(checkpointDirectory: workdir + "/ckpt", minCheckpointStep: 3))
        }
        try FileManager.default.createDirectory(atPath: launch.directory, withIntermediateDirectories: true)
        // What the dead server's launch did, without the row update after it.
        let process = try DetachedProcess.launch(DetachedProcess.Configuration(
            supervisor: env.services.config.supervisorCommand, command: launch.arguments,
            environment: JobEnvironment.make(server: ProcessInfo.processInfo.environment, launch: launch.environment ?? [:], devices: nil),
            workingDirectory: launch.workingDirectory, standardOutput: launch.standardOutputPath,
            standardError: launch.standardErrorPath, exitRecord: launch.exitRecordPath, identityRecord: launch.identityRecordPath))
        let recorded = try await Fixture.eventually { DetachedProcess.readIdentity(at: launch.identityRecordPath) != nil }
        #expect(recorded)
        #expect(DetachedProcess.readIdentity(at: launch.identityRecordPath) == process.identity)
        try await TrainingService(store: store, manager: env.services.trainingManager, logger: .init(label: "t")).recover()
        try await env.application().test(.router) { client in
            let job = try await Fixture.wait(client, id, until: Fixture.ended)
            #expect(job.status == "finished", "\(job.error ?? "")")
            #expect(job.pid == process.pid)
        }
        let steps = Fixture.metricSteps(try await Fixture.events(env, id))
        #expect(steps.sorted() == [1, 2, 3])
    }

    @Test func evaluateOnATemplateJobIsRefused() async throws {
        let env = try await environment()
        try await env.application().test(.router) { client in
            let response = try await Fixture.post(
                client, #"{"template":"recipe","evaluate":{"benchmarks":["gsm8k"]}}"#, headers: env.adminHeaders)
            #expect(response.status == .badRequest)
            #expect(response.body.errorCode == "unsupported_evaluate")
        }
        let rows = try await env.services.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM training_job") }
        #expect(rows == 0)
    }
}
