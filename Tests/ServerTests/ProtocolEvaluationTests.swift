import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// A page of `GET /api/v1/evaluations/{id}/samples`.
struct SamplePage: Decodable {
    let samples: [SampleView]
}

@Suite("Evaluations that survive real models (issue 13)")
struct ProtocolEvaluationTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    @Test func erroredSamplesCountAsIncorrectAndTheEvaluationFinishes() async throws {
        let model = VLLMStandIn(behaviours: ProtocolFixture.behaviours())
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            try await env.prepareFakeEndpoint(client, port: port)
            let (_, created) = try await env.submitEvaluation(client, [:])
            let view = try await env.waitForEnd(client, id: created.id)
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(view.progress == .init(done: 15, total: 15))
            let result = try #require(view.results.first)
            #expect(result.errors == ProtocolFixture.expectedErrors && result.judgeFallbacks == 0)
            #expect(abs((result.passAt1 ?? -1) - ProtocolFixture.expectedPassAt1) < 1e-12)
            #expect(abs((result.passAt5 ?? -1) - ProtocolFixture.expectedPassAt5) < 1e-12)
            #expect(view.protocol == "default")

            let rows = try await env.samples(client, id: created.id)
            let errored = rows.filter { $0.verdict == "error" }
            #expect(Set(errored.map { "\($0.item)#\($0.repeat)" }) == ["a#4", "c#2"])
            for sample in errored {
                #expect(!sample.correct && sample.score == 0 && sample.finishReason == "error")
                #expect(sample.error?.contains("maximum context length is \(VLLMStandIn.maxModelLen)") == true)
            }
            // The cut turn was continued: three calls, one trajectory, the right answer.
            let cut = try #require(rows.first { $0.item == "b" && $0.repeat == 0 })
            #expect(cut.correct && cut.modelCalls == 3 && cut.finishReason == "answered")
            #expect(cut.trajectory.contains("<think>Found it; \(VLLMStandIn.cutMarker) down.</think>"))
            // The context was learned from /v1/models and every call clamped to it.
            #expect(model.modelListings >= 1)
            #expect(model.maxTokensSent.allSatisfy { $0 > 0 && $0 < VLLMStandIn.maxModelLen })

            // The page lists errored samples apart.
            let page = String(buffer: try await client.execute(uri: "/evaluations/\(created.id)?verdict=error", method: .get).body)
            #expect(page.contains("2 samples failed"))
            #expect(page.components(separatedBy: "<article class=\"sample\">").count - 1 == 2)
            #expect(page.contains("maximum context length"))
        }
    }

    @Test func tooManyErrorsFailTheEvaluationAndARetryRedoesOnlyThem() async throws {
        let model = VLLMStandIn(behaviours: ProtocolFixture.behaviours())
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            try await env.prepareFakeEndpoint(client, port: port)
            let (_, created) = try await env.submitEvaluation(client, ["max_error_rate": 0.1])
            let failed = try await env.waitForEnd(client, id: created.id)
            #expect(failed.status == .failed)
            #expect(failed.error?.contains("more than max_error_rate 0.1") == true, "\(failed.error ?? "")")
            let callsBefore = model.calls
            let storedBefore = try await env.samples(client, id: created.id).filter { $0.verdict != "error" }.count

            // The endpoint is fixed: the same request requeues it and only errored or missing samples run.
            model.rescript(ProtocolFixture.healed())
            let (status, again) = try await env.submitEvaluation(client, ["max_error_rate": 0.1])
            #expect(status == .accepted && again.id == created.id)
            let finished = try await env.waitForEnd(client, id: created.id)
            #expect(finished.status == .finished, "\(finished.error ?? "")")
            let result = try #require(finished.results.first)
            #expect(result.errors == 0)
            // a#4 and c#2 now answer "1": still wrong, so the numbers of the other samples hold.
            #expect(abs((result.passAt1 ?? -1) - ProtocolFixture.expectedPassAt1) < 1e-12)
            let redone = 15 - storedBefore
            #expect(model.calls - callsBefore <= redone * 3)
        }
    }

    @Test func anEndpointNobodyAnswersFailsTheEvaluationInsteadOfScoringIt() async throws {
        try await env.application().test(.router) { client in
            // Nothing listens on the discard port: every call is refused, after the client's retries.
            try await env.prepareFakeEndpoint(client, port: 9)
            let (_, created) = try await env.submitEvaluation(client, ["concurrency": 6])
            let view = try await env.waitForEnd(client, id: created.id)
            #expect(view.status == .failed)
            #expect(view.error?.hasPrefix("no sample could reach the model") == true, "\(view.error ?? "")")
            // It stopped early: not all 15 samples were tried.
            #expect(view.progress.done < 15)
            #expect(view.results.first?.errors == view.progress.done)
        }
    }

    @Test func judgeModesAndFallbacksAreCounted() async throws {
        // "106" is wrong by the rules; the scripted judges accept it.
        // With a failing judge, every sample the rules call wrong falls back: b#2, b#4 and c#0, 1, 3, 4.
        for (script, fallbacks) in [(VLLMStandIn.JudgeScript.reasoning(accepted: ["106"]), 0), (.failing, 6)] {
            let model = VLLMStandIn(behaviours: ProtocolFixture.behaviours(), judge: script)
            let (port, server) = try await model.start()
            defer { server.cancel() }
            let env = try await TestEnvironment()
            try await env.application().test(.router) { client in
                var headers = env.adminHeaders
                headers[.contentType] = "application/x-ndjson"
                _ = try await client.execute(
                    uri: "/api/v1/datasets/gsm8k", method: .put, headers: headers, body: ByteBuffer(string: EvaluationFixture.gsm8k))
                headers[.contentType] = "application/json"
                _ = try await client.execute(
                    uri: "/api/v1/checkpoints", method: .post, headers: headers,
                    body: try env.jsonBody(["name": "fake", "endpoint": ["url": "http://127.0.0.1:\(port)/v1", "model": "fake"]]))
                let body = try env.jsonBody([
                    "checkpoint": "fake", "benchmarks": ["gsm8k"],
                    "judge": ["url": "http://127.0.0.1:\(port)/v1", "model": "judge", "mode": "authors"],
                ])
                let created = try await client.execute(uri: "/api/v1/evaluations", method: .post, headers: headers, body: body)
                let id = try created.body.json(EvaluationView.self).id
                var view = try created.body.json(EvaluationView.self)
                let deadline = Date().addingTimeInterval(120)
                while !view.status.isTerminal && Date() < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                    view = try await client.execute(uri: "/api/v1/evaluations/\(id)", method: .get).body.json(EvaluationView.self)
                }
                #expect(view.status == .finished, "\(view.error ?? "")")
                let result = try #require(view.results.first)
                #expect(result.judgeFallbacks == fallbacks)
                #expect(view.protocol == "default+custom")
                // b#2 and b#4 answer "106": the judge turns them correct, a failing judge leaves the rule's verdict.
                let b = fallbacks == 0 ? 5.0 : 3.0
                #expect(abs((result.passAt1 ?? -1) - (0.8 + b / 5 + 0) / 3) < 1e-12)
            }
        }
    }

    @Test func presetsNameTheProtocolAndFieldsOverrideOneByOne() async throws {
        let model = VLLMStandIn(behaviours: ProtocolFixture.behaviours())
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            try await env.prepareFakeEndpoint(client, port: port)
            let (_, paper) = try await env.submitEvaluation(client, ["preset": "aepo-paper"])
            #expect(paper.protocol == "aepo-paper")
            #expect(paper.config.preset == "aepo-paper" && paper.config.extraction == .fallbacks)
            #expect(paper.config.limitsPerBenchmark == ["gsm8k": 500] && paper.config.limits.sampleTimeoutSeconds == 1500)
            let (_, custom) = try await env.submitEvaluation(client, ["preset": "aepo-paper", "limits": ["max_searches": 3]])
            #expect(custom.protocol == "aepo-paper+custom" && custom.id != paper.id)
            // Only max_searches was overridden: the preset's other limits stay.
            #expect(custom.config.limits.maxSearches == 3 && custom.config.limits.sampleTimeoutSeconds == 1500)
            let (_, capped) = try await env.submitEvaluation(client, ["limits_per_benchmark": ["gsm8k": 2]])
            #expect(capped.progress.total == 10 && capped.protocol == "default+custom")
            let bad = try await client.execute(
                uri: "/api/v1/evaluations", method: .post, headers: env.jsonHeaders,
                body: try env.jsonBody(["checkpoint": "fake", "benchmarks": ["gsm8k"], "preset": "nope"]))
            #expect(bad.status == .badRequest)
            let outside = try await client.execute(
                uri: "/api/v1/evaluations", method: .post, headers: env.jsonHeaders,
                body: try env.jsonBody(["checkpoint": "fake", "benchmarks": ["gsm8k"], "limits_per_benchmark": ["hle": 5]]))
            #expect(outside.status == .badRequest)
            for id in [paper.id, custom.id, capped.id] { _ = try await env.waitForEnd(client, id: id) }

            // The leaderboard filters by protocol (the capped run covers 2 of 3 items: never ranked).
            struct Board: Decodable {
                struct Row: Decodable { let checkpoint: Checkpoint }
                struct Checkpoint: Decodable { let name: String }
                let rows: [Row]
            }
            let all = try await client.execute(uri: "/api/v1/leaderboard?data=imported", method: .get).body.json(Board.self)
            #expect(all.rows.count == 1)
            let byPaper = try await client.execute(uri: "/api/v1/leaderboard?data=imported&protocol=aepo-paper", method: .get)
            #expect(try byPaper.body.json(Board.self).rows.count == 1)
            let byDefault = try await client.execute(uri: "/api/v1/leaderboard?data=imported&protocol=default", method: .get)
            #expect(try byDefault.body.json(Board.self).rows.isEmpty)
            let filtered = String(buffer: try await client.execute(uri: "/?data=imported&protocol=default", method: .get).body)
            #expect(filtered.contains("No finished evaluation covers"))
            #expect(filtered.contains("aria-current=\"true\">protocol default</a>"))
            let paperBoard = String(buffer: try await client.execute(uri: "/?data=imported&protocol=aepo-paper", method: .get).body)
            #expect(paperBoard.contains("href=\"/checkpoints/") && paperBoard.contains("protocol=aepo-paper"))
            let page = String(buffer: try await client.execute(uri: "/evaluations/\(paper.id)", method: .get).body)
            #expect(page.contains("<dt>Protocol</dt><dd>aepo-paper (preset aepo-paper)</dd>"))
        }
    }

    @Test func namedAndInlinePromptsReachTheModelAndChangeTheID() async throws {
        let model = VLLMStandIn(behaviours: ProtocolFixture.behaviours())
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            try await env.prepareFakeEndpoint(client, port: port)
            var text = env.adminHeaders
            text[.contentType] = "text/plain"
            let stored = try await client.execute(
                uri: "/api/v1/prompts/lab", method: .put, headers: text, body: ByteBuffer(string: "LAB PROMPT: answer in \\boxed{}."))
            #expect(stored.status == .created)
            let writer = try env.token(role: .write)
            var writerHeaders = env.bearer(writer)
            writerHeaders[.contentType] = "text/plain"
            let refused = try await client.execute(uri: "/api/v1/prompts/lab", method: .put, headers: writerHeaders, body: ByteBuffer(string: "x"))
            #expect(refused.status == .forbidden)
            let shown = try await client.execute(uri: "/api/v1/prompts/lab", method: .get)
            struct Prompt: Decodable { let name: String; let system: String; let sha256: String }
            let prompt = try shown.body.json(Prompt.self)
            #expect(prompt.system == "LAB PROMPT: answer in \\boxed{}.")
            #expect(try await client.execute(uri: "/api/v1/prompts/none", method: .get).status == .notFound)

            let (_, named) = try await env.submitEvaluation(client, ["prompt": "lab", "limit": 1, "samples": 1])
            #expect(named.config.prompt?.sha256 == prompt.sha256 && named.config.prompt?.name == "lab")
            let (_, inline) = try await env.submitEvaluation(client, ["prompt": ["system": "INLINE PROMPT"], "limit": 1, "samples": 1])
            #expect(inline.id != named.id)
            _ = try await env.waitForEnd(client, id: named.id)
            _ = try await env.waitForEnd(client, id: inline.id)
            let systems = model.prompts.compactMap { $0.components(separatedBy: "<|im_end|>").first }
            #expect(systems.contains("<|im_start|>system\nLAB PROMPT: answer in \\boxed{}."))
            #expect(systems.contains("<|im_start|>system\nINLINE PROMPT"))
            let missing = try await client.execute(
                uri: "/api/v1/evaluations", method: .post, headers: env.jsonHeaders,
                body: try env.jsonBody(["checkpoint": "fake", "benchmarks": ["gsm8k"], "prompt": "none"]))
            #expect(missing.status == .notFound)
        }
    }
}
