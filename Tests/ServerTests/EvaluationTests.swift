import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

@Suite("Evaluations against a scripted model endpoint")
struct EvaluationTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    private func json(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    private var jsonHeaders: HTTPFields {
        var headers = env.adminHeaders
        headers[.contentType] = "application/json"
        return headers
    }

    /// Imports the fixture's gsm8k set and registers the endpoint; returns the checkpoint id.
    private func prepare(_ client: some TestClientProtocol, port: Int, maxConcurrency: Int = 4) async throws -> Int64 {
        var headers = env.adminHeaders
        headers[.contentType] = "application/x-ndjson"
        let imported = try await client.execute(
            uri: "/api/v1/datasets/gsm8k", method: .put, headers: headers, body: ByteBuffer(string: EvaluationFixture.gsm8k))
        #expect(imported.status == .created)
        let registered = try await client.execute(
            uri: "/api/v1/checkpoints", method: .post, headers: jsonHeaders,
            body: try json(["name": "fake", "endpoint": ["url": "http://127.0.0.1:\(port)/v1", "model": "fake", "max_concurrency": maxConcurrency]]))
        return try registered.body.json(CheckpointView.self).id
    }

    /// Registers the fake endpoint, imports gsm8k and starts its evaluation (15 samples).
    private func startGSM8KEvaluation(_ client: some TestClientProtocol, port: Int) async throws -> Int64 {
        let checkpoint = try await prepare(client, port: port)
        let created = try await client.execute(
            uri: "/api/v1/evaluations", method: .post, headers: jsonHeaders,
            body: try json(["checkpoint": checkpoint, "benchmarks": ["gsm8k"]]))
        return try created.body.json(EvaluationView.self).id
    }

    private func waitForEnd(_ client: some TestClientProtocol, id: Int64, seconds: Double = 60) async throws -> EvaluationView {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let view = try await client.execute(uri: "/api/v1/evaluations/\(id)", method: .get).body.json(EvaluationView.self)
            if view.status.isTerminal || Date() > deadline { return view }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func passAtKMatchesTheScriptedPattern() async throws {
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers())
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            let checkpoint = try await prepare(client, port: port)
            let created = try await client.execute(
                uri: "/api/v1/evaluations", method: .post, headers: jsonHeaders,
                body: try json(["checkpoint": checkpoint, "benchmarks": ["gsm8k"], "samples": 5]))
            #expect(created.status == .accepted)
            let id = try created.body.json(EvaluationView.self).id
            let view = try await waitForEnd(client, id: id)
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(view.progress == .init(done: 15, total: 15))
            let result = try #require(view.results.first)
            #expect(result.benchmark == "gsm8k")
            #expect(result.items == 3)
            #expect(result.samples == 5)
            #expect(abs((result.passAt1 ?? -1) - EvaluationFixture.expectedPassAt1) < 1e-12)
            #expect(abs((result.passAt5 ?? -1) - EvaluationFixture.expectedPassAt5) < 1e-12)
            #expect(result.metric == "math-equal")
            #expect(result.datasetSHA256 == Tokens.hash(EvaluationFixture.gsm8k))
            #expect(model.maxInFlight <= 4)

            struct Samples: Decodable { let samples: [SampleView]; let next: String? }
            let page = try await client.execute(uri: "/api/v1/evaluations/\(id)/samples?limit=1000", method: .get)
                .body.json(Samples.self)
            #expect(page.samples.count == 15)
            #expect(page.next == nil)
            #expect(Set(page.samples.map(\.seed)).count == 15)
            for sample in page.samples {
                let expected = EvaluationFixture.correctRepeats[sample.item, default: []].contains(sample.repeat)
                #expect(sample.correct == expected, "\(sample.item)#\(sample.repeat)")
                #expect(sample.trajectory.contains("</search>\n<result>"))
                #expect(sample.trajectory.hasSuffix("</answer>"))
                #expect(sample.searchCalls == 1)
                #expect(sample.modelCalls == 2)
                #expect(sample.seed == SampleSeed.make(evaluationSeed: 0, benchmark: "gsm8k", item: sample.item, repeat: sample.repeat))
            }

            // Same checkpoint and configuration (defaults filled in) is the same evaluation.
            let again = try await client.execute(
                uri: "/api/v1/evaluations", method: .post, headers: jsonHeaders,
                body: try json(["checkpoint": "fake", "benchmarks": ["gsm8k", "gsm8k"], "seed": 0, "concurrency": 2]))
            #expect(again.status == .ok)
            #expect(try again.body.json(EvaluationView.self).id == id)
            let other = try await client.execute(
                uri: "/api/v1/evaluations", method: .post, headers: jsonHeaders,
                body: try json(["checkpoint": checkpoint, "benchmarks": ["gsm8k"], "samples": 1]))
            #expect(other.status == .accepted)
        }
    }

    @Test func eventsReplayProgressAndEndThenClose() async throws {
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers())
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            let id = try await startGSM8KEvaluation(client, port: port)
            // Subscribed while it runs: the stream follows it to the end and closes.
            let live = try await client.execute(uri: "/api/v1/evaluations/\(id)/events", method: .get)
            #expect(live.headers[.contentType] == "text/event-stream")
            #expect(live.headers[HTTPField.Name("X-Accel-Buffering")!] == "no")
            let text = String(buffer: live.body)
            #expect(text.hasPrefix("retry: "))
            #expect(text.contains("id: 15\nevent: status\ndata: {\"error\":\"\",\"status\":\"finished\"}"))
            #expect(!text.contains("\n\nevent: "), "every event has an id")
            #expect(text.contains("id: 15\nevent: progress\ndata: {\"done\":15,\"total\":15}"))
            #expect(text.hasSuffix("\n\n"))
            #expect(text.contains("id: 15\nevent: end\ndata: {\"status\":\"finished\",\"results\":[{"))
            let ids = text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int($0.dropFirst(4)) }
            #expect(ids == ids.sorted())

            // A reconnect after the last progress event gets only the state and the end.
            var headers = HTTPFields()
            headers[HTTPField.Name("Last-Event-ID")!] = "15"
            let resumed = String(buffer: try await client.execute(
                uri: "/api/v1/evaluations/\(id)/events", method: .get, headers: headers).body)
            #expect(!resumed.contains("event: progress"))
            #expect(resumed.contains("event: end"))
            let missing = try await client.execute(uri: "/api/v1/evaluations/999/events", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test func manyWatchersGetTheEventsTheWriterPushes() async throws {
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers())
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            let id = try await startGSM8KEvaluation(client, port: port)
            let streams = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        String(buffer: try await client.execute(uri: "/api/v1/evaluations/\(id)/events", method: .get).body)
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            // Every watcher ends with the same end event and never sees progress go backwards.
            for text in streams {
                #expect(text.contains("id: 15\nevent: end\ndata: {\"status\":\"finished\""))
                let ids = text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int($0.dropFirst(4)) }
                #expect(ids == ids.sorted())
                let progress = text.components(separatedBy: "event: progress").count - 1
                let done = text.split(separator: "\n").filter { $0.hasPrefix("data: {\"done\":") }.map(String.init)
                #expect(progress == Set(done).count, "a progress event was sent twice: \(done)")
            }
            // Subscriptions end with their streams.
            #expect(env.services.hub.totalSubscribers == 0)
        }
    }

    @Test func cancelStopsWithinSeconds() async throws {
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers(), latency: .seconds(300))
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            let id = try await startGSM8KEvaluation(client, port: port)
            while model.calls == 0 { try await Task.sleep(for: .milliseconds(20)) }
            let started = ContinuousClock.now
            let cancelled = try await client.execute(uri: "/api/v1/evaluations/\(id)/cancel", method: .post, headers: env.adminHeaders)
            #expect(cancelled.status == .ok)
            // In-flight calls would take 300 s: far less means they were cancelled
            // (the bound is loose so a loaded machine does not fail it).
            #expect(ContinuousClock.now - started < .seconds(60))
            let view = try cancelled.body.json(EvaluationView.self)
            #expect(view.status == .cancelled)
            #expect(view.progress.done == 0)
            let twice = try await client.execute(uri: "/api/v1/evaluations/\(id)/cancel", method: .post, headers: env.adminHeaders)
            #expect(twice.status == .conflict)
        }
    }

    @Test func badEvaluationRequestsAreRefused() async throws {
        try await env.application().test(.router) { client in
            _ = try await prepare(client, port: 9)
            _ = try await client.execute(
                uri: "/api/v1/checkpoints?name=opaque", method: .put, headers: env.adminHeaders, body: ByteBuffer(string: "x"))
            let cases: [([String: Any], HTTPResponse.Status, String)] = [
                (["checkpoint": "fake", "benchmarks": ["mmlu"]], .badRequest, "unknown_benchmark"),
                (["checkpoint": "fake", "benchmarks": []], .badRequest, "invalid_evaluation"),
                (["checkpoint": "fake", "benchmarks": ["gsm8k"], "samples": 0], .badRequest, "invalid_evaluation"),
                (["checkpoint": "fake", "benchmarks": ["gsm8k"], "sample": 5], .badRequest, "unknown_field"),
                (["checkpoint": "nope", "benchmarks": ["gsm8k"]], .notFound, "not_found"),
                (["checkpoint": 999, "benchmarks": ["gsm8k"]], .notFound, "not_found"),
                (["checkpoint": "opaque", "benchmarks": ["gsm8k"]], .badRequest, "not_evaluable"),
                (["checkpoint": "fake", "benchmarks": ["gsm8k"], "search": ["backend": "http"]], .badRequest, "invalid_evaluation"),
            ]
            for (body, status, code) in cases {
                let response = try await client.execute(
                    uri: "/api/v1/evaluations", method: .post, headers: jsonHeaders, body: try json(body))
                #expect(response.status == status, "\(body)")
                #expect(response.body.errorCode == code, "\(body): \(String(buffer: response.body))")
            }
            let unknown = try await client.execute(uri: "/api/v1/evaluations/77", method: .get)
            #expect(unknown.status == .notFound)
            let anonymous = try await client.execute(
                uri: "/api/v1/evaluations", method: .post, body: try json(["checkpoint": "fake", "benchmarks": ["gsm8k"]]))
            #expect(anonymous.status == .unauthorized)
        }
    }
}
