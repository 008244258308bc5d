import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

@Suite("Evaluations with the deep search backend")
struct DeepSearchEvaluationTests {
    let env: TestEnvironment

    init() async throws {
        env = try await TestEnvironment(environment: ["AEPO_TEST_SEARCH_KEY": DeepSearchStandIn.key])
    }

    /// A request's `search` for the stand-in at `base`, with `changes` applied.
    private func deep(_ base: String, _ changes: [String: Any] = [:]) -> [String: Any] {
        var search: [String: Any] = [
            "backend": "deep", "url": base + "/serper", "key_env": "AEPO_TEST_SEARCH_KEY",
            "summarizer": ["url": base + "/v1", "model": "summarizer"],
        ]
        search.merge(changes) { _, new in new }
        return search
    }

    @Test func anEvaluationSearchesThroughTheStandInsAndARerunReadsOnlyTheCache() async throws {
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers())
        let (port, server) = try await model.start()
        defer { server.cancel() }
        let web = DeepSearchStandIn()
        let running = try await web.start()
        do {
            try await env.application().test(.router) { client in
                try await env.prepareFakeEndpoint(client, port: port)
                let (status, created) = try await env.submitEvaluation(client, ["samples": 1, "limit": 1, "search": deep(running.base)])
                #expect(status == .accepted)
                let view = try await env.waitForEnd(client, id: created.id)
                #expect(view.status == .finished, "\(view.error ?? "")")
                let rows = try await env.samples(client, id: created.id)
                let sample = try #require(rows.first)
                #expect(rows.count == 1 && sample.correct)
                #expect(sample.trajectory.contains("</search>\n<result>\n\(DeepSearchStandIn.summary)\n</result>\n"))
                // The summariser saw the question, the reasoning up to the call, and the pages.
                let prompt = try #require(web.summaryRequests.first?["user"])
                #expect(prompt.hasPrefix(
                    "Question:\nWhat is 2 + 3?\n\nReasoning so far:\n<think>I should look this up.</think>\n<search> lookup "))
                #expect(prompt.contains("Excerpt:\n\(DeepSearchStandIn.eiffelText)"))
                #expect(web.totalRequests == 6)
                // Every deep setting is in the configuration, defaults filled in; the key's name only.
                let search = view.config.search
                #expect(search.api == .serper && search.pages == 5 && search.windowChars == 6000)
                #expect(search.pageTimeoutSeconds == 20 && search.pageMaxBytes == 2 << 20 && search.maxRedirects == 5)
                #expect(search.keyEnv == "AEPO_TEST_SEARCH_KEY")
                #expect(search.summarizer == SummarizerSettings(
                    url: running.base + "/v1", model: "summarizer", apiKeyEnv: nil, maxTokens: 4096, temperature: 0))
                let stored = String(buffer: try await client.execute(uri: "/api/v1/evaluations/\(created.id)", method: .get).body)
                #expect(!stored.contains(DeepSearchStandIn.key))
                let page = String(buffer: try await client.execute(uri: "/evaluations/\(created.id)", method: .get).body)
                #expect(page.contains("deep (\(running.base)/serper), summarised by summarizer at \(running.base)/v1"))

                // The same samples in another evaluation (another error budget): no request reaches the web.
                let (_, rerun) = try await env.submitEvaluation(
                    client, ["samples": 1, "limit": 1, "max_error_rate": 0.5, "search": deep(running.base)])
                #expect(rerun.id != created.id)
                #expect(try await env.waitForEnd(client, id: rerun.id).status == .finished)
                #expect(try await env.samples(client, id: rerun.id).first?.trajectory == sample.trajectory)
                #expect(web.totalRequests == 6)
            }
        } catch {
            await web.stop(running)
            throw error
        }
        await web.stop(running)
    }

    @Test func badDeepSettingsAreRefusedWith400() async throws {
        try await env.application().test(.router) { client in
            try await env.prepareFakeEndpoint(client, port: 9)
            let base = "http://127.0.0.1:9"
            let summarizer = base + "/v1"
            let cases: [([String: Any], String, String)] = [
                (["backend": "deep"], "invalid_evaluation", "search.summarizer ({"),
                (deep(base, ["api": "google"]), "invalid_evaluation", "search.api must be one of serper, bing"),
                (deep(base, ["key_env": "AEPO_ADMIN_TOKEN"]), "invalid_evaluation", "search.key_env must name an environment variable"),
                (deep(base, ["key_env": "0f3a9c2e7b"]), "invalid_evaluation", "the key itself never goes in a request"),
                (deep(base, ["pages": 0]), "invalid_evaluation", "search.pages must be between 1 and search.top_k (5)"),
                (deep(base, ["pages": 6]), "invalid_evaluation", "search.pages must be between 1 and search.top_k (5)"),
                (deep(base, ["window_chars": 10]), "invalid_evaluation", "search.window_chars must be between 500 and 100000"),
                (deep(base, ["page_timeout_seconds": 0]), "invalid_evaluation", "search.page_timeout_seconds must be between"),
                (deep(base, ["page_max_bytes": 10]), "invalid_evaluation", "search.page_max_bytes must be between 1024"),
                (deep(base, ["max_redirects": 50]), "invalid_evaluation", "search.max_redirects must be between 0 and 20"),
                (deep(base, ["url": "file:///etc/passwd"]), "invalid_evaluation", "search.url must be an http(s) URL"),
                (deep(base, ["summarizer": ["url": "ftp://host/v1", "model": "m"]]), "invalid_evaluation", "search.summarizer.url"),
                (deep(base, ["summarizer": ["url": summarizer]]), "invalid_evaluation", "search.summarizer needs url and model"),
                (deep(base, ["summarizer": ["url": summarizer, "model": "m", "temperature": 3]]), "invalid_evaluation",
                 "search.summarizer.temperature must be between 0"),
                (deep(base, ["summarizer": ["url": summarizer, "model": "m", "api_key_env": "PATH"]]), "invalid_evaluation",
                 "search.summarizer.api_key_env must name"),
                (deep(base, ["summarizer": ["url": summarizer, "model": "m", "key": "sk-1"]]), "unknown_field", "search.summarizer: key"),
                (deep(base, ["bogus": 1]), "unknown_field", "unknown field in search: bogus"),
                (["backend": "web", "pages": 3], "invalid_evaluation", "search.pages applies only to the deep backend, not web"),
                (["backend": "deeper"], "invalid_evaluation", "search.backend must be one of local, http, web, deep"),
            ]
            for (search, code, message) in cases {
                let response = try await client.execute(
                    uri: "/api/v1/evaluations", method: .post, headers: env.jsonHeaders,
                    body: try env.jsonBody(["checkpoint": "fake", "benchmarks": ["gsm8k"], "search": search]))
                let body = String(buffer: response.body)
                #expect(response.status == .badRequest, "\(search): \(body)")
                #expect(response.body.errorCode == code && body.contains(message), "\(search): \(body)")
            }
        }
    }

    @Test func everyDeepSettingIsPartOfTheEvaluationsIdentity() async throws {
        try await env.application().test(.router) { client in
            try await env.prepareFakeEndpoint(client, port: 9)
            let base = "http://127.0.0.1:9"
            let (_, plain) = try await env.submitEvaluation(client, ["search": deep(base)])
            // The defaults written out are the same evaluation.
            let explicit = deep(base, [
                "api": "serper", "pages": 5, "window_chars": 6000, "page_timeout_seconds": 20, "page_max_bytes": 2 << 20,
                "max_redirects": 5, "summarizer": ["url": base + "/v1", "model": "summarizer", "max_tokens": 4096, "temperature": 0],
            ])
            #expect(try await env.submitEvaluation(client, ["search": explicit]).1.id == plain.id)
            let changes: [[String: Any]] = [
                ["api": "bing"], ["pages": 2], ["window_chars": 3000], ["page_timeout_seconds": 5], ["page_max_bytes": 1 << 20],
                ["max_redirects": 0], ["key_env": "AEPO_OTHER_KEY"],
                ["summarizer": ["url": base + "/v1", "model": "other"]],
                ["summarizer": ["url": base + "/v1", "model": "summarizer", "temperature": 0.6]],
            ]
            var ids: Set<Int64> = [plain.id]
            for change in changes {
                ids.insert(try await env.submitEvaluation(client, ["search": deep(base, change)]).1.id)
            }
            #expect(ids.count == changes.count + 1)
        }
    }

    @Test func aKeyMissingFromTheServerFailsTheEvaluationNamingIt() async throws {
        try await env.application().test(.router) { client in
            try await env.prepareFakeEndpoint(client, port: 9)
            let (_, created) = try await env.submitEvaluation(client, ["search": deep("http://127.0.0.1:9", ["key_env": "AEPO_ABSENT_KEY"])])
            let view = try await env.waitForEnd(client, id: created.id)
            #expect(view.status == .failed)
            #expect(view.error?.contains("AEPO_ABSENT_KEY") == true, "\(view.error ?? "")")
        }
    }
}
