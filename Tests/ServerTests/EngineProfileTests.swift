import Benchmarks
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// Engine profiles on the local launcher, with real processes: the built
/// `aepo serve-model` serving the tiny Qwen3 fixture uploaded by tar, a
/// command that exits at once, a stand-in that prints its GPUs.
@Suite("Engine profiles", .serialized)
struct EngineProfileTests {
    @Test func anEvaluationRunsOnItsReplicasWhichAreReusedThenStopWhenIdle() async throws {
        let env = try await TestEnvironment(hfTensorCheck: BuiltinHFTensorCheck())
        defer { Task { await env.services.engines.shutdown() } }
        try await env.application().test(.router) { client in
            try await env.uploadTinyCheckpoint(client)
            let put = try await env.putEngine(client, "tiny-local", EngineFixture.serveModelProfile(idleSeconds: 1))
            #expect(put.status == .created, "\(String(buffer: put.body))")

            let first = try await env.evaluate(client, engine: "tiny-local", samples: 2)
            #expect(first.config.engine == "tiny-local")
            let finished = try await env.finish(client, first.id)
            #expect(finished.status == .finished, "\(finished.error ?? "")")
            #expect(finished.progress == .init(done: 6, total: 6))
            #expect(finished.results.first?.errors == 0)

            var engine = try await env.engine(client, "tiny-local")
            let replica = try #require(engine.replicas.first)
            #expect(engine.replicas.count == 1)
            #expect(replica.status == .ready && replica.engineVersion?.hasPrefix("aepo ") == true)
            #expect(replica.command.contains("serve-model") && replica.command.contains("aepo-checkpoint-\(replica.checkpoint)"))
            let pid = try #require(replica.pid)
            #expect(EngineFixture.isRunning(pid))

            // The same checkpoint and profile: the running replica serves the second evaluation.
            let second = try await env.evaluate(client, engine: "tiny-local", samples: 1)
            #expect(second.id != first.id)
            #expect(try await env.finish(client, second.id).status == .finished)
            engine = try await env.engine(client, "tiny-local")
            #expect(engine.replicas.map(\.id) == [replica.id])

            // A profile whose replicas run cannot be deleted.
            let refused = try await client.execute(uri: "/api/v1/engines/tiny-local", method: .delete, headers: env.adminHeaders)
            #expect(refused.status == .conflict)

            // Idle past idle_seconds: stopped, its process gone.
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, try await env.engine(client, "tiny-local").replicas.first?.status != .stopped {
                await env.services.engines.stopIdle()
                try await Task.sleep(for: .milliseconds(200))
            }
            let stopped = try #require(try await env.engine(client, "tiny-local").replicas.first)
            #expect(stopped.status == .stopped && stopped.lastUsed != nil && stopped.stopped != nil)
            #expect(!EngineFixture.isRunning(pid))
            let deleted = try await client.execute(uri: "/api/v1/engines/tiny-local", method: .delete, headers: env.adminHeaders)
            #expect(deleted.status == .noContent)
        }
    }

    @Test func aReplicaThatExitsAtOnceFailsTheEvaluationWithItsLogTail() async throws {
        let env = try await TestEnvironment(hfTensorCheck: BuiltinHFTensorCheck())
        defer { Task { await env.services.engines.shutdown() } }
        try await env.application().test(.router) { client in
            try await env.uploadTinyCheckpoint(client)
            let put = try await env.putEngine(
                client, "broken", ["command": ["/bin/sh", "-c", "echo 'CUDA out of memory (pretend)' >&2; exit 3", "{port}"]])
            #expect(put.status == .created)
            let queued = try await env.evaluate(client, engine: "broken", samples: 1)
            let view = try await env.finish(client, queued.id, seconds: 60)
            #expect(view.status == .failed)
            #expect(view.error?.contains("exited with status 3") == true, "\(view.error ?? "")")
            #expect(view.error?.contains("CUDA out of memory (pretend)") == true)
            let replica = try #require(try await env.engine(client, "broken").replicas.first)
            #expect(replica.status == .failed && replica.logTail?.contains("CUDA out of memory") == true)
        }
    }

    /// Another process took the port between `FreePort` and the engine's
    /// bind: the replica exits with "Address already in use", and the next
    /// one starts on a new port instead of failing the evaluation; three
    /// such start-ups in a row fail it.
    @Test(arguments: [1, 4])
    func aReplicaThatLostItsPortIsStartedAgainOnAnother(collisions: Int) async throws {
        let env = try await TestEnvironment(hfTensorCheck: BuiltinHFTensorCheck())
        defer { Task { await env.services.engines.shutdown() } }
        let counter = FileManager.default.temporaryDirectory.appendingPathComponent("aepo-port-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: counter) }
        // the first `collisions` start-ups report a taken port, later ones serve
        let script = """
            n=$(cat '\(counter.path)' 2>/dev/null || echo 0); echo $((n + 1)) > '\(counter.path)'
            if [ "$n" -lt \(collisions) ]; then echo "Error: bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)" >&2; exit 1; fi
            exec "$@"
            """
        try await env.application().test(.router) { client in
            var profile = EngineFixture.serveModelProfile()
            profile["command"] = ["/bin/sh", "-c", script, "sh"] + ((profile["command"] as? [String]) ?? [])
            try await env.uploadTinyCheckpoint(client)
            #expect(try await env.putEngine(client, "crowded", profile).status == .created)
            let queued = try await env.evaluate(client, engine: "crowded", samples: 1)
            let view = try await env.finish(client, queued.id, seconds: 120)
            let replicas = try await env.engine(client, "crowded").replicas
            let lost = replicas.filter { $0.error?.contains("was taken by another process") == true }
            if collisions < EngineManager.portCollisionLimit {
                #expect(view.status == .finished, "\(view.error ?? "")")
                #expect(lost.count == collisions && lost.allSatisfy { $0.status == .failed })
                #expect(replicas.contains { $0.status == .ready })
            } else {
                #expect(view.status == .failed)
                #expect(view.error?.contains("Address already in use") == true, "\(view.error ?? "")")
                #expect(lost.count == EngineManager.portCollisionLimit)
            }
        }
    }

    @Test func aReplicaKilledMidRunIsReplacedAndEverySampleIsStoredOnce() async throws {
        let env = try await TestEnvironment(hfTensorCheck: BuiltinHFTensorCheck())
        defer { Task { await env.services.engines.shutdown() } }
        try await env.application().test(.router) { client in
            try await env.uploadTinyCheckpoint(client)
            _ = try await env.putEngine(client, "tiny-local", EngineFixture.serveModelProfile())
            let queued = try await env.evaluate(client, engine: "tiny-local", samples: 30, maxTokens: 48)
            // Once samples are being stored, kill -9 the replica under the calls in flight.
            var killed: Int32?
            let deadline = Date().addingTimeInterval(120)
            while killed == nil, Date() < deadline {
                let view = try await client.execute(uri: "/api/v1/evaluations/\(queued.id)", method: .get).body.json(EvaluationView.self)
                if view.progress.done >= 1, let replica = try await env.engine(client, "tiny-local").replicas.first,
                    replica.status == .ready, let pid = replica.pid
                {
                    #expect(view.progress.done < view.progress.total, "the evaluation ended before the kill")
                    kill(pid, SIGKILL)
                    killed = pid
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(killed != nil)
            let view = try await env.finish(client, queued.id)
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(view.progress == .init(done: 90, total: 90))
            #expect(view.results.first?.errors == 0)
            struct Samples: Decodable { let samples: [SampleView] }
            let samples = try await client.execute(uri: "/api/v1/evaluations/\(queued.id)/samples?limit=500", method: .get)
                .body.json(Samples.self).samples
            #expect(samples.count == 90)
            #expect(Set(samples.map { "\($0.item)/\($0.repeat)" }).count == 90)
            let replicas = try await env.engine(client, "tiny-local").replicas
            #expect(replicas.count == 2)
            #expect(replicas.contains { $0.pid == killed && $0.status == .failed && $0.error?.contains("signal 9") == true })
            #expect(replicas.contains { $0.pid != killed && $0.status == .ready })
        }
    }

    @Test func gpusAreHandedOutThroughCUDAVisibleDevices() async throws {
        let env = try await TestEnvironment(
            hfTensorCheck: BuiltinHFTensorCheck(), environment: ["AEPO_ADMIN_TOKEN": "do-not-leak"], gpus: ["0", "1", "2"])
        let engines = env.services.engines
        defer { Task { await engines.shutdown() } }
        var profile = EngineProfile(
            name: "two-gpus", command: ["/usr/bin/env", "python3", TestEnvironment.fixture("engine_stand_in.py"), "{port}"])
        profile.gpusPerReplica = 2
        profile.startupTimeoutSeconds = 60
        let key = try await engines.prepare(try profile.validated(), checkpoint: 1, directory: env.directory)
        #expect(await engines.endpoints(key).first?.model == "stand-in")
        let deadline = Date().addingTimeInterval(10)
        var tail = ""
        while Date() < deadline, !tail.contains("AEPO_ADMIN_TOKEN=") {
            tail = await engines.liveLogTails().values.joined()
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(tail.contains("CUDA_VISIBLE_DEVICES=0,1"))
        #expect(tail.contains("AEPO_ADMIN_TOKEN=<unset>"))
        let row = try #require(try await env.services.engineReplicas.replicas(profile: "two-gpus").first)
        #expect(row.gpus == ["0", "1"] && row.engineVersion == "stand-in 1.0")

        // Two more GPUs are not free (one is): a clear refusal, not a hang.
        var other = profile
        other.name = "two-more"
        await #expect(throws: EngineStartError.self) {
            try await engines.prepare(try other.validated(), checkpoint: 2, directory: env.directory)
        }
        // More GPUs than the pool holds: refused outright.
        var greedy = profile
        greedy.name = "greedy"
        greedy.gpusPerReplica = 4
        #expect(await engines.refusal(for: greedy)?.contains("needs 4 GPUs") == true)
    }

    @Test func badProfilesAndRequestsAreRefused() async throws {
        let env = try await TestEnvironment(hfTensorCheck: BuiltinHFTensorCheck())
        let writer = try env.token(role: .write)
        try await env.application().test(.router) { client in
            try await env.uploadTinyCheckpoint(client)
            let good: [String: Any] = ["command": ["vllm", "serve", "{model_dir}", "--port", "{port}"]]
            let bad: [(String, [String: Any], String)] = [
                ("no-port", ["command": ["vllm", "serve", "{model_dir}"]], "invalid_engine"),
                ("typo", ["command": ["vllm", "{model_path}", "{port}"]], "invalid_engine"),
                ("empty", ["command": []], "invalid_engine"),
                ("zero", good.merging(["replicas": 0]) { $1 }, "invalid_engine"),
                ("cuda", good.merging(["env": ["CUDA_VISIBLE_DEVICES": "0"]]) { $1 }, "invalid_engine"),
                ("health", good.merging(["health_path": "v1/models"]) { $1 }, "invalid_engine"),
                ("idle", good.merging(["idle_seconds": -1]) { $1 }, "invalid_engine"),
                ("field", good.merging(["gpus": 2]) { $1 }, "unknown_field"),
                ("launcher", good.merging(["launcher": "k8s"]) { $1 }, "invalid_engine"),
                ("builtin", good, "invalid_engine"),
                ("ray", good.merging(["launcher": "ray"]) { $1 }, "invalid_engine"),
            ]
            for (name, profile, code) in bad {
                let response = try await env.putEngine(client, name, profile)
                #expect(response.status == .badRequest, "\(name)")
                #expect(response.body.errorCode == code, "\(name): \(String(buffer: response.body))")
            }
            let ray = try await env.putEngine(client, "ray", good.merging(["launcher": "ray"]) { $1 })
            #expect(String(buffer: ray.body).contains(#"the ray launcher needs \"ray\""#), "\(String(buffer: ray.body))")
            let badName = try await env.putEngine(client, "a%20b", good)
            #expect(badName.status == .badRequest)
            var headers = env.bearer(writer)
            headers[.contentType] = "application/json"
            let notAdmin = try await client.execute(
                uri: "/api/v1/engines/ok", method: .put, headers: headers, body: EngineFixture.json(good))
            #expect(notAdmin.status == .forbidden)
            #expect(try await client.execute(uri: "/api/v1/engines/nope", method: .get).status == .notFound)

            // Evaluations: an unknown engine, and one needing GPUs this server was not given.
            let unknown = try await client.execute(
                uri: "/api/v1/evaluations", method: .post, headers: env.headers("application/json"),
                body: EngineFixture.json(["checkpoint": "tiny", "benchmarks": ["gsm8k"], "engine": "nope"]))
            #expect(unknown.status == .badRequest && unknown.body.errorCode == "unknown_engine")
            #expect(try await env.putEngine(client, "gpu", good.merging(["gpus_per_replica": 2]) { $1 }).status == .created)
            let gpu = try await client.execute(
                uri: "/api/v1/evaluations", method: .post, headers: env.headers("application/json"),
                body: EngineFixture.json(["checkpoint": "tiny", "benchmarks": ["gsm8k"], "engine": "gpu"]))
            #expect(gpu.status == .badRequest && gpu.body.errorCode == "insufficient_gpus")
            #expect(String(buffer: gpu.body).contains("--gpus"))
            let listed = try await client.execute(uri: "/api/v1/engines", method: .get)
            #expect(String(buffer: listed.body).contains(#""name":"gpu""#))
        }
    }

    @Test func profilesAreReadFromEnginesJSONAtStart() async throws {
        let directory = try TemporaryDirectory.make()
        let file = #"{"engines":[{"name":"from-file","command":["sglang","{model_dir}","--port","{port}"],"idle_seconds":5}]}"#
        try Data(file.utf8).write(to: directory.appendingPathComponent("engines.json"))
        let database = try AppDatabase.open(directory: directory)
        let store = EngineProfileStore(database: database)
        #expect(try await store.importFile(dataDirectory: directory) == ["from-file"])
        let stored = try #require(try await store.profile(named: "from-file"))
        #expect(stored.source == "file" && stored.profile.idleSeconds == 5 && stored.profile.replicas == 1)
        try Data(#"{"engines":[{"name":"x","command":["a"]}]}"#.utf8).write(to: directory.appendingPathComponent("engines.json"))
        await #expect(throws: CoreError.self) { try await store.importFile(dataDirectory: directory) }
    }

    @Test func argumentsFillThePlaceholders() throws {
        let profile = try EngineProfile(
            name: "v", command: ["vllm", "serve", "{model_dir}", "--port", "{port}", "--served-model-name", "{model}", "--host", "{host}"]
        ).validated()
        #expect(
            profile.arguments(modelDirectory: "/d/ck", port: 8123, model: "m", host: "127.0.0.1")
                == ["vllm", "serve", "/d/ck", "--port", "8123", "--served-model-name", "m", "--host", "127.0.0.1"])
        #expect(ReplicaBalancer.pick([(id: 3, inFlight: 2), (id: 1, inFlight: 2), (id: 2, inFlight: 5)]) == 1)
        #expect(ReplicaBalancer.pick([]) == nil)
        var pool = GPUPool(["0", "1", "2"])
        #expect(pool.take(2) == ["0", "1"] && pool.take(2) == nil)
        pool.give(["1", "0"])
        #expect(pool.take(3) == ["0", "1", "2"])
    }
}
