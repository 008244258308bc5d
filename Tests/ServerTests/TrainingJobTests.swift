import Benchmarks
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

@Suite("Training jobs with a stand-in trainer")
struct TrainingJobTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    struct Job: Decodable {
        let id: Int64
        let status: String
        let error: String?
        let checkpoint_id: Int64?
        let latest: [String: AnyDecodable]?
    }

    struct AnyDecodable: Decodable {}

    private func post(_ client: some TestClientProtocol, _ json: String) async throws -> TestResponse {
        var headers = env.adminHeaders
        headers[.contentType] = "application/json"
        return try await client.execute(uri: "/api/v1/training-jobs", method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    private func waitForEnd(_ client: some TestClientProtocol, _ id: Int64) async throws -> Job {
        let deadline = Date().addingTimeInterval(60)
        while true {
            let job = try await client.execute(uri: "/api/v1/training-jobs/\(id)", method: .get).body.json(Job.self)
            if ["finished", "failed", "cancelled"].contains(job.status) || Date() > deadline { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Parses an event stream into (id, event, data) triples.
    static func parse(_ text: String) -> [(id: Int64, event: String, data: String)] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var id: Int64?, event: String?, data: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = Int64(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            guard let id, let event, let data else { return nil }
            return (id, event, data)
        }
    }

    @Test func builtinJobStreamsMetricsAndRegistersItsCheckpoint() async throws {
        try await env.application().test(.router) { client in
            let created = try await post(client, #"{"algorithm":"aepo","task":"synth-arith","steps":4,"seed":1}"#)
            #expect(created.status == .accepted)
            let id = try created.body.json(Job.self).id
            let job = try await waitForEnd(client, id)
            #expect(job.status == "finished", "\(job.error ?? "")")
            let checkpoint = try #require(job.checkpoint_id)
            let shown = try await client.execute(uri: "/api/v1/checkpoints/\(checkpoint)", method: .get).body.json(CheckpointView.self)
            #expect(shown.metadata["algorithm"] == "aepo")
            #expect(shown.name.hasPrefix("aepo-synth-arith-seed1-step4"))

            let stream = try await client.execute(uri: "/api/v1/training-jobs/\(id)/events", method: .get)
            #expect(stream.headers[.contentType] == "text/event-stream")
            let events = Self.parse(String(buffer: stream.body))
            #expect(events.map(\.id) == Array(1...Int64(events.count)))
            #expect(events.filter { $0.event == "metric" }.count == 4)
            #expect(events.first?.event == "status")
            #expect(events.last?.event == "end")
            #expect(events.contains { $0.event == "log" && $0.data.contains("step 4/4") })
            let metric = try #require(events.first { $0.event == "metric" })
            #expect(metric.data.contains(#""step":1"#) && metric.data.contains("critic/score/mean"))

            // A reconnect replays exactly what came after Last-Event-ID, then closes with end.
            var headers = HTTPFields()
            headers[HTTPField.Name("Last-Event-ID")!] = "3"
            let replay = Self.parse(String(buffer: try await client.execute(
                uri: "/api/v1/training-jobs/\(id)/events", method: .get, headers: headers).body))
            #expect(replay.map(\.id) == Array(4...Int64(events.count)))
            let after = Self.parse(String(buffer: try await client.execute(
                uri: "/api/v1/training-jobs/\(id)/events?after=\(events.count - 1)", method: .get).body))
            #expect(after.map(\.event) == ["end"])
        }
    }

    @Test func aCrashingTrainerFailsOnlyItsJob() async throws {
        try await env.application().test(.router) { client in
            let id = try await post(client, #"{"algorithm":"grpo","task":"synth-hop","steps":10,"seed":13}"#).body.json(Job.self).id
            let job = try await waitForEnd(client, id)
            #expect(job.status == "failed")
            #expect(job.error?.contains("exited with status 3") == true)
            #expect(job.error?.contains("crashed on purpose") == true)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test(arguments: [99, 77])
    func cancelStopsTheProcess(seed: Int) async throws {
        try await env.application().test(.router) { client in
            let id = try await post(client, #"{"algorithm":"sft","task":"synth-arith","seed":\#(seed)}"#).body.json(Job.self).id
            // Wait until it runs and has reported a metric.
            while try await client.execute(uri: "/api/v1/training-jobs/\(id)", method: .get).body.json(Job.self).latest == nil {
                try await Task.sleep(for: .milliseconds(50))
            }
            let cancelled = try await client.execute(uri: "/api/v1/training-jobs/\(id)/cancel", method: .post, headers: env.adminHeaders)
            #expect(cancelled.status == .ok)
            #expect(try cancelled.body.json(Job.self).status == "cancelled")
            let again = try await client.execute(uri: "/api/v1/training-jobs/\(id)/cancel", method: .post, headers: env.adminHeaders)
            #expect(again.status == .conflict)
        }
    }

    @Test func badJobsAreRefusedByName() async throws {
        try await env.application().test(.router) { client in
            let cases: [(String, String, String)] = [
                (#"{"algorithm":"ppo2","task":"synth-arith"}"#, "unknown_algorithm", "grpo, dapo, gspo, reinforce++"),
                (#"{"algorithm":"aepo","task":"atari"}"#, "unknown_task", "synth-arith, synth-hop"),
                (#"{"algorithm":"aepo","task":"synth-arith","lr":0.1}"#, "unknown_field", "lr"),
                (#"{"algorithm":"aepo","task":"synth-arith","steps":0}"#, "invalid_training_job", "steps"),
                (#"{"algorithm":"aepo","task":"synth-arith","evaluate":{"benchmarks":["mmlu"]}}"#, "unknown_benchmark", "mmlu"),
                (#"{"algorithm":"aepo","task":"synth-arith","init":"nope"}"#, "not_found", "nope"),
                (#"{"algorithm":"aepo","task":"synth-arith","hyperparameters":{"rollout":{"beam":2}}}"#, "invalid_hyperparameters", "beam"),
                (#"{"algorithm":"sft","task":"synth-hop","hyperparameters":{"max_lr":-1}}"#, "invalid_hyperparameters", "max_lr"),
                (#"{"template":"verl-aepo"}"#, "unknown_template", "none"),
            ]
            for (body, code, mention) in cases {
                let response = try await post(client, body)
                #expect(response.body.errorCode == code, "\(body): \(String(buffer: response.body))")
                #expect(String(buffer: response.body).contains(mention), "\(body)")
            }
            let anonymous = try await client.execute(
                uri: "/api/v1/training-jobs", method: .post, body: ByteBuffer(string: #"{"algorithm":"aepo","task":"synth-arith"}"#))
            #expect(anonymous.status == .unauthorized)
        }
        let rows = try await env.services.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM training_job") }
        #expect(rows == 0)
    }

    @Test func templateJobIngestsTheVerlFileLogger() async throws {
        let templates = """
            {"templates": [{"name": "verl-aepo",
              "command": ["/usr/bin/env", "python3", "\(TestEnvironment.fixture("stand_in_verl.py"))", "{workdir}/metrics.jsonl", "{steps}"],
              "parameters": {"steps": {"default": "5", "pattern": "^[0-9]{1,3}$"}},
              "events_file": "{workdir}/metrics.jsonl"}]}
            """
        try Data(templates.utf8).write(to: env.directory.appendingPathComponent("job-templates.json"))
        try await env.application().test(.router) { client in
            let bad = try await post(client, #"{"template":"verl-aepo","parameters":{"steps":"5; rm -rf /"}}"#)
            #expect(bad.body.errorCode == "invalid_parameter")
            let unknown = try await post(client, #"{"template":"verl-aepo","parameters":{"command":"sh"}}"#)
            #expect(unknown.body.errorCode == "unknown_parameter")
            let id = try await post(client, #"{"template":"verl-aepo","parameters":{"steps":"6"}}"#).body.json(Job.self).id
            let job = try await waitForEnd(client, id)
            #expect(job.status == "finished", "\(job.error ?? "")")
            let events = Self.parse(String(buffer: try await client.execute(uri: "/api/v1/training-jobs/\(id)/events", method: .get).body))
            let metrics = events.filter { $0.event == "metric" }
            #expect(metrics.count == 6)
            #expect(metrics.last?.data.contains(#""step":6"#) == true)
            #expect(events.contains { $0.event == "log" && $0.data.contains("verl step 6") })
        }
    }

    /// A job of an older server (no job directory, no exit record) cannot
    /// be followed after a restart: it ends `interrupted`, with the reason.
    @Test func aJobRunningWhenTheServerStoppedIsInterruptedWithTheReason() async throws {
        let id = try await env.services.training.create(kind: "builtin", template: nil, config: "{}")
        try await env.services.training.setStatus(
            id, .running, process: ProcessIdentity(pid: 999_999, startTime: 1, bootID: "gone"))
        let service = TrainingService(store: env.services.training, manager: env.services.trainingManager, logger: .init(label: "t"))
        try await service.recover()
        let job = try await env.services.training.job(id)
        #expect(job.status == .interrupted)
        #expect(job.error?.contains("the server restarted while the job ran") == true)
        let events = try await env.services.training.events(job: id, after: 0, limit: 10)
        #expect(events.map(\.kind) == [.status, .end])
    }

    /// After a restart the stored pid may belong to an unrelated process:
    /// only the process the job started (same pid, start time and boot) is signalled.
    @Test func recoveryNeverSignalsAProcessThatOnlySharesThePid() async throws {
        let bystander = try ChildProcess(ChildProcess.Configuration(
            executable: "/bin/sleep", arguments: ["300"], environment: [:]))
        defer { bystander.signal(SIGKILL) }
        let identity = try #require(bystander.identity)
        let training = env.services.training
        let reused = try await training.create(kind: "builtin", template: nil, config: "{}")
        var stale = identity
        stale.startTime += 1
        try await training.setStatus(reused, .running, process: stale)
        let service = TrainingService(store: training, manager: env.services.trainingManager, logger: .init(label: "t"))
        try await service.recover()
        #expect(try await training.job(reused).error?.contains("is gone") == true)
        #expect(await bystander.wait(within: .milliseconds(300)) == nil, "the bystander sharing the pid was signalled")

        let orphan = try await training.create(kind: "builtin", template: nil, config: "{}")
        try await training.setStatus(orphan, .running, process: identity)
        try await service.recover()
        #expect(try await training.job(orphan).error?.contains("was sent SIGTERM") == true)
        #expect(await bystander.wait(within: .seconds(30)) == .signalled(SIGTERM))
    }

    @Test func theTrainingChildGetsNoSecretOfTheServer() async throws {
        setenv("AEPO_CHILD_PROBE_TOKEN", "do-not-leak", 1)
        defer { unsetenv("AEPO_CHILD_PROBE_TOKEN") }
        let training = env.services.training
        let id = try await training.create(kind: "builtin", template: nil, config: "{}")
        let workdir = env.directory.appendingPathComponent("jobs/\(id)").path
        await env.services.trainingManager.start(
            id, launch: TrainingLaunch(
                arguments: ["/usr/bin/env"], workingDirectory: workdir, eventsFile: nil, outputCheckpoint: nil, evaluate: nil,
                checkpointName: "env-\(id)"))
        var job = try await training.job(id)
        for _ in 0..<200 where !job.status.isTerminal {
            try await Task.sleep(for: .milliseconds(25))
            job = try await training.job(id)
        }
        let logs = try await training.events(job: id, after: 0, limit: 1000).filter { $0.kind == .log }.map(\.data)
        #expect(logs.contains { $0.contains("PATH=") }, "env printed nothing: \(logs)")
        #expect(!logs.contains { $0.contains("do-not-leak") || $0.contains("AEPO_ADMIN_TOKEN") })
    }

    /// A cancel that lands before or just after the spawn: the job ends
    /// cancelled either way and no process of it is left running.
    @Test func cancelRightAfterStartNeverLeavesAProcess() async throws {
        let training = env.services.training
        let marker = env.directory.appendingPathComponent("spawned")
        for round in 0..<10 {
            let id = try await training.create(kind: "builtin", template: nil, config: "{}")
            let launch = TrainingLaunch(
                arguments: ["/bin/sh", "-c", "echo $$ >> \(marker.path); exec sleep 300"],
                workingDirectory: env.directory.appendingPathComponent("jobs/\(id)").path, eventsFile: nil,
                outputCheckpoint: nil, evaluate: nil, checkpointName: "cancel-\(round)")
            await env.services.trainingManager.start(id, launch: launch)
            await env.services.trainingManager.cancel(id)
            let job = try await training.job(id)
            #expect(job.status == .cancelled, "round \(round): \(job.status)")
            let events = try await training.events(job: id, after: 0, limit: 100)
            #expect(events.last?.kind == .end)
        }
        let pids = ((try? String(contentsOf: marker, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
        for pid in pids {
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))
                .flatMap { ProcessIdentity.statFields($0)?.first } ?? "gone"
            #expect(state == "gone" || state == "Z", "process \(pid) of a cancelled job is \(state)")
        }
    }
}
