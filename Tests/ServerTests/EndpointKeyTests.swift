import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

@Suite("Keys of registered endpoints and judges, by environment variable name")
struct EndpointKeyTests {
    static let key = "sk-vllm-7d1e9b2a6c"
    let env: TestEnvironment
    let logs = CapturedLogs()

    init() async throws {
        env = try await TestEnvironment(environment: ["VLLM_KEY": Self.key], logger: logs.logger())
    }

    @Test func aKeyProtectedEndpointNeedsItsVariableAndTheKeyAppearsNowhere() async throws {
        // The stand-in wants the key, and echoes it back once in a 503 (a misbehaving proxy).
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers(), requiredKey: Self.key, echoesKeyOnce: true)
        let (port, server) = try await model.start()
        defer { server.cancel() }
        var seen = try await env.application().test(.router) { client in
            let api = EvaluationClient(env: env, client: client)
            try await api.importGSM8K()
            let url = "http://127.0.0.1:\(port)/v1"
            // Without the key: 401 for every sample's first call, not retried, and the evaluation fails.
            _ = try await api.register("open", endpoint: ["url": url, "model": "fake"])
            let refused = try await api.waitForEnd(try await api.submit("open").id)
            #expect(refused.status == .failed)
            let unauthorized = model.unauthorized
            #expect((1...15).contains(unauthorized) && model.calls == 0)
            // With it: every sample passes, the 503 retried.
            let registered = try await api.register("keyed", endpoint: ["url": url, "model": "fake", "api_key_env": "VLLM_KEY"])
            #expect(registered.status == .created)
            let checkpoint = try registered.body.json(CheckpointView.self)
            #expect(checkpoint.endpoint?.apiKeyEnv == "VLLM_KEY")
            let created = try await api.submit("keyed")
            let view = try await api.waitForEnd(created.id)
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(view.results.first?.errors == 0)
            #expect(model.unauthorized == unauthorized && model.calls == 30)
            var bodies: [String] = []
            for uri in [
                "/api/v1/checkpoints", "/api/v1/checkpoints/\(checkpoint.id)", "/api/v1/evaluations/\(created.id)",
                "/api/v1/evaluations/\(created.id)/samples?limit=1000", "/api/v1/evaluations/\(refused.id)/samples?limit=1000",
                "/api/v1/evaluations/\(refused.id)", "/api/v1/evaluations/\(created.id)/events", "/api/v1/leaderboard",
                "/", "/checkpoints/\(checkpoint.id)", "/evaluations/\(created.id)", "/evaluations/\(refused.id)", "/metrics",
            ] {
                let response = try await api.get(uri)
                #expect(response.status == .ok, "\(uri)")
                bodies.append(String(buffer: response.body))
            }
            return bodies
        }
        // The retry of the echoing 503 was logged, its body with the key blanked out.
        let logLines = logs.all
        #expect(logLines.contains { $0.contains("retrying HTTP call") && $0.contains("Bearer [redacted]") }, "\(logLines)")
        seen += logLines
        for name in try FileManager.default.contentsOfDirectory(atPath: env.directory.path) where name.hasPrefix("aepo.sqlite") {
            seen.append(String(decoding: try Data(contentsOf: env.directory.appendingPathComponent(name)), as: UTF8.self))
        }
        #expect(seen.count > 15)
        for text in seen {
            #expect(!text.contains(Self.key), "the key in: \(text.prefix(300))")
        }
    }

    @Test func aVariableMissingAtEvaluationTimeFailsTheEvaluationNamingIt() async throws {
        try await env.application().test(.router) { client in
            let api = EvaluationClient(env: env, client: client)
            try await api.importGSM8K()
            _ = try await api.register("absent", endpoint: ["url": "http://127.0.0.1:9/v1", "model": "m", "api_key_env": "ABSENT_KEY"])
            let view = try await api.waitForEnd(try await api.submit("absent").id)
            #expect(view.status == .failed)
            #expect(view.error?.contains("ABSENT_KEY") == true, "\(view.error ?? "")")
            _ = try await api.register("judged", endpoint: ["url": "http://127.0.0.1:9/v1", "model": "m"])
            let judged = try await api.waitForEnd(try await api.submit("judged", [
                "judge": ["url": "http://127.0.0.1:9/v1", "model": "judge", "api_key_env": "JUDGE_ABSENT_KEY"],
            ]).id)
            #expect(judged.status == .failed && judged.error?.contains("JUDGE_ABSENT_KEY") == true, "\(judged.error ?? "")")
        }
    }

    static let refusedNames = ["AEPO_ADMIN_TOKEN", "PATH", "vllm_key", "Vllm_KEY", "_KEY", "9_KEY", "VLLM-KEY", "VLLM_KEY ", "HOME"]

    @Test(arguments: refusedNames)
    func refusedNamesAre400NamingTheRule(name: String) async throws {
        try await env.application().test(.router) { client in
            let api = EvaluationClient(env: env, client: client)
            let registered = try await api.register("x", endpoint: ["url": "http://127.0.0.1:9/v1", "model": "m", "api_key_env": name])
            let body = String(buffer: registered.body)
            #expect(registered.status == .badRequest && registered.body.errorCode == "invalid_endpoint", "\(body)")
            #expect(body.contains("endpoint.api_key_env must name an environment variable") && body.contains("ending in KEY"), "\(body)")
            // The same rule for the judge.
            try await api.importGSM8K()
            _ = try await api.register("ok", endpoint: ["url": "http://127.0.0.1:9/v1", "model": "m"])
            let judged = try await api.post("/api/v1/evaluations", [
                "checkpoint": "ok", "benchmarks": ["gsm8k"],
                "judge": ["url": "http://127.0.0.1:9/v1", "model": "j", "api_key_env": name],
            ])
            let judgeBody = String(buffer: judged.body)
            #expect(judged.status == .badRequest && judgeBody.contains("judge.api_key_env must name"), "\(judgeBody)")
        }
        #expect(try env.checkpointRowCount() == 1)
    }

    @Test func namesFollowingThePolicyAreAcceptedAndNameTheEndpoint() async throws {
        #expect(KeyVariable.isAllowed("VLLM_KEY") && KeyVariable.isAllowed("OPENAI_API_KEY") && KeyVariable.isAllowed("AEPO_WEB_SEARCH_KEY"))
        #expect(!KeyVariable.isAllowed(String(repeating: "A", count: 98) + "KEY"))
        try await env.application().test(.router) { client in
            let api = EvaluationClient(env: env, client: client)
            let base: [String: Any] = ["url": "http://127.0.0.1:9/v1", "model": "m"]
            let openAI: [String: Any] = ["url": "http://127.0.0.1:9/v1", "model": "m", "api_key_env": "OPENAI_API_KEY"]
            let vllm: [String: Any] = ["url": "http://127.0.0.1:9/v1", "model": "m", "api_key_env": "VLLM_KEY"]
            let created = try await api.register("k", endpoint: openAI)
            #expect(created.status == .created)
            #expect(try await api.register("k", endpoint: openAI).status == .ok)
            // Another variable, or none, is another registration.
            #expect(try await api.register("k", endpoint: vllm).status == .conflict)
            #expect(try await api.register("k", endpoint: base).status == .conflict)
        }
    }
}
