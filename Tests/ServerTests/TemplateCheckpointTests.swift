import Benchmarks
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// A template job's checkpoint flows on (issue 15 point 4): the stand-in
/// recipe and a stand-in merger run as real processes, the merged
/// directory becomes an `hf` checkpoint and is evaluated on the built-in engine.
@Suite("Template jobs' checkpoints are merged, registered and evaluated")
struct TemplateCheckpointTests {
    typealias Fixture = RecipeFixture

    private func environment() async throws -> TestEnvironment {
        let env = try await TestEnvironment(hfTensorCheck: BuiltinHFTensorCheck())
        try Fixture.install(in: env.directory)
        return env
    }

    private func headers(_ env: TestEnvironment, _ contentType: String) -> HTTPFields {
        var headers = env.adminHeaders
        headers[.contentType] = contentType
        return headers
    }

    @Test func theMergedCheckpointIsRegisteredAndEvaluated() async throws {
        let env = try await environment()
        try await env.application().test(.router) { client in
            let imported = try await client.execute(
                uri: "/api/v1/datasets/gsm8k", method: .put, headers: headers(env, "application/x-ndjson"),
                body: ByteBuffer(string: EvaluationFixture.gsm8k))
            #expect(imported.status == .created)
            let created = try await Fixture.post(
                client,
                #"{"template":"merged-recipe","checkpoint_name":"org/merged","evaluate":{"benchmarks":["gsm8k"],"samples":1,"limit":1,"engine":"builtin"}}"#,
                headers: env.adminHeaders)
            #expect(created.status == .accepted, "\(String(buffer: created.body))")
            let id = try created.body.json(Fixture.Job.self).id
            let job = try await Fixture.wait(client, id, seconds: 120, until: Fixture.ended)
            #expect(job.status == "finished", "\(job.error ?? "")")

            let checkpointID = try #require(job.checkpoint_id)
            let checkpoint = try await client.execute(uri: "/api/v1/checkpoints/\(checkpointID)", method: .get)
                .body.json(CheckpointView.self)
            #expect(checkpoint.kind == .hf && checkpoint.name == "org/merged")
            #expect(checkpoint.trainingJobID == id)
            #expect(checkpoint.runnableBy == ["builtin"])
            let fixtureFiles = try FileManager.default.contentsOfDirectory(atPath: TinyHFCheckpoint.directory.path).sorted()
            #expect(checkpoint.files?.map(\.path) == fixtureFiles)
            // Moved into the store under its digest; nothing left in the job's directory.
            let digest = try #require(checkpoint.digest)
            #expect(FileManager.default.fileExists(atPath: env.directory.appendingPathComponent("checkpoints/\(digest)/config.json").path))
            #expect(!FileManager.default.fileExists(atPath: env.directory.appendingPathComponent("jobs/\(id)/merged/step4").path))

            let events = try await Fixture.events(env, id)
            #expect(events.contains { $0.kind == .status && $0.data.contains(#""phase":"merging""#) && $0.data.contains(#""step":4"#) })
            #expect(events.contains { $0.kind == .log && $0.data.contains("saved the merged model") })

            let evaluationID = try #require(job.evaluation_id)
            var view = try await client.execute(uri: "/api/v1/evaluations/\(evaluationID)", method: .get).body.json(EvaluationView.self)
            #expect(view.checkpoint.id == checkpointID)
            #expect(view.config.engine == "builtin")
            let deadline = Date().addingTimeInterval(180)
            while !view.status.isTerminal, Date() < deadline {
                try await Task.sleep(for: .milliseconds(100))
                view = try await client.execute(uri: "/api/v1/evaluations/\(evaluationID)", method: .get).body.json(EvaluationView.self)
            }
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(view.progress == .init(done: 1, total: 1))
        }
    }

    /// `evaluate.engine` names an engine profile: the merged checkpoint is
    /// evaluated on its replicas (the built `aepo serve-model` here).
    @Test func theMergedCheckpointIsEvaluatedOnTheRequestedEngineProfile() async throws {
        let env = try await environment()
        defer { Task { await env.services.engines.shutdown() } }
        try await env.application().test(.router) { client in
            let imported = try await client.execute(
                uri: "/api/v1/datasets/gsm8k", method: .put, headers: headers(env, "application/x-ndjson"),
                body: ByteBuffer(string: EvaluationFixture.gsm8k))
            #expect(imported.status == .created)
            let put = try await env.putEngine(client, "tiny-local", EngineFixture.serveModelProfile(idleSeconds: 1))
            #expect(put.status == .created, "\(String(buffer: put.body))")
            let created = try await Fixture.post(
                client, #"{"template":"merged-recipe","evaluate":{"benchmarks":["gsm8k"],"samples":1,"limit":1,"engine":"tiny-local"}}"#,
                headers: env.adminHeaders)
            #expect(created.status == .accepted, "\(String(buffer: created.body))")
            let id = try created.body.json(Fixture.Job.self).id
            let job = try await Fixture.wait(client, id, seconds: 120, until: Fixture.ended)
            #expect(job.status == "finished", "\(job.error ?? "")")
            let evaluationID = try #require(job.evaluation_id)
            let view = try await env.finish(client, evaluationID)
            #expect(view.config.engine == "tiny-local")
            #expect(view.checkpoint.id == job.checkpoint_id)
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(try await env.engine(client, "tiny-local").replicas.count == 1)
        }
    }

    @Test func aFailingMergerFailsTheJobAndRegistersNothing() async throws {
        let env = try await environment()
        try await env.application().test(.router) { client in
            let id = try await Fixture.post(
                client, #"{"template":"merged-recipe","parameters":{"merge_flag":"--fail"}}"#, headers: env.adminHeaders
            ).body.json(Fixture.Job.self).id
            let job = try await Fixture.wait(client, id, seconds: 120, until: Fixture.ended)
            #expect(job.status == "failed")
            let error = job.error ?? ""
            #expect(error.contains("checkpoint merger") && error.contains("stand-in merger failed on purpose"), "\(error)")
            #expect(job.checkpoint_id == nil)
        }
        let rows = try await env.services.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checkpoint") }
        #expect(rows == 0)
    }

    @Test func cancellingDuringTheMergeStopsTheMerger() async throws {
        let env = try await environment()
        try await env.application().test(.router) { client in
            let id = try await Fixture.post(
                client, #"{"template":"merged-recipe","parameters":{"merge_flag":"--hold"}}"#, headers: env.adminHeaders
            ).body.json(Fixture.Job.self).id
            let pidFile = env.directory.appendingPathComponent("jobs/\(id)/run/merger.pid")
            #expect(try await Fixture.eventually(seconds: 120) { FileManager.default.fileExists(atPath: pidFile.path) })
            let merger = try #require(Int32(try String(contentsOf: pidFile, encoding: .utf8)))
            #expect(try await Fixture.job(client, id).status == "running")
            let cancelled = try await client.execute(
                uri: "/api/v1/training-jobs/\(id)/cancel", method: .post, headers: env.adminHeaders)
            #expect(try cancelled.body.json(Fixture.Job.self).status == "cancelled")
            #expect(!Fixture.isRunning(merger))
            #expect(try await Fixture.job(client, id).checkpoint_id == nil)
        }
        let rows = try await env.services.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checkpoint") }
        #expect(rows == 0)
    }

    @Test func aCheckpointNameWithoutCheckpointsAndAnUnknownEngineAreRefused() async throws {
        let env = try await environment()
        try await env.application().test(.router) { client in
            let response = try await Fixture.post(
                client, #"{"template":"recipe","checkpoint_name":"x"}"#, headers: env.adminHeaders)
            #expect(response.status == .badRequest)
            #expect(response.body.errorCode == "invalid_training_job")
            let engine = try await Fixture.post(
                client, #"{"template":"merged-recipe","evaluate":{"benchmarks":["gsm8k"],"engine":"vllm"}}"#,
                headers: env.adminHeaders)
            #expect(engine.status == .badRequest)
            #expect(engine.body.errorCode == "unknown_engine")
            // A name already taken is refused before the run, not when its checkpoint is registered.
            try await env.uploadTinyCheckpoint(client, name: "taken")
            let taken = try await Fixture.post(
                client, #"{"template":"merged-recipe","checkpoint_name":"taken"}"#, headers: env.adminHeaders)
            #expect(taken.status == .conflict)
            #expect(String(buffer: taken.body).contains("already names a checkpoint"))
        }
        let rows = try await env.services.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM training_job") }
        #expect(rows == 0)
    }

    @Test(arguments: [
        (#"{"merge": ["/bin/true"]}"#, "must name {target_dir}"),
        (#"{"merge": []}"#, "must not be empty"),
        (#"{"directory": "{workdir}/c"}"#, "checkpoints.merge is required"),
        (#"{"merge": ["m", "{target_dir}"], "dir": "x"}"#, "dir"),
    ])
    func aBadCheckpointsSectionIsRefusedAtLoad(section: String, message: String) throws {
        let json = #"{"name": "t", "command": ["/bin/true"], "checkpoints": "# + section + "}"
        #expect {
            _ = try JSONDecoder().decode(JobTemplate.self, from: Data(json.utf8))
        } throws: { error in
            (error as? CoreError)?.message.contains(message) == true
        }
    }

    @Test func aParameterMayNotTakeAMergeName() throws {
        let json = #"{"name": "t", "command": ["/bin/true"], "parameters": {"target_dir": {}}, "checkpoints": {"merge": ["m", "{target_dir}"]}}"#
        #expect {
            _ = try JSONDecoder().decode(JobTemplate.self, from: Data(json.utf8))
        } throws: { error in
            (error as? CoreError)?.message.contains("a name aepo fills itself") == true
        }
    }

    /// A parameter value holding `{target_dir}` is not expanded at merge time.
    @Test func mergeArgumentsAreFilledInOnePass() {
        let collection = CheckpointCollection(directory: "/w/c", merge: ["m", "{flag}", "{actor_dir}", "{target_dir}", "{step}"], values: ["flag": "{target_dir}"])
        #expect(collection.mergeArguments(step: 7, actor: "/w/c/global_step_7/actor", target: "/t")
            == ["m", "{target_dir}", "/w/c/global_step_7/actor", "/t", "7"])
    }
}
