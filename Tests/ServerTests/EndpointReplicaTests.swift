import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

@Suite("Registered endpoints with several replicas")
struct EndpointReplicaTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    @Test func replicasAreStoredShownAndPartOfTheEndpointsIdentity() async throws {
        try await env.application().test(.router) { client in
            let api = EvaluationClient(env: env, client: client)
            let endpoint: [String: Any] = ["urls": ["http://a:8000/v1", "http://b:8000/v1/"], "model": "m", "max_concurrency": 64]
            let created = try await api.register("pair", endpoint: endpoint)
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let view = try created.body.json(CheckpointView.self)
            #expect(view.endpoint == .init(
                url: "http://a:8000/v1", urls: ["http://a:8000/v1", "http://b:8000/v1"], model: "m", maxConcurrency: 64))
            #expect(try await api.register("pair", endpoint: endpoint).status == .ok)
            // Another set or order of replicas is another endpoint.
            for urls in [["http://b:8000/v1", "http://a:8000/v1"], ["http://a:8000/v1"], ["http://a:8000/v1", "http://c:8000/v1"]] {
                #expect(try await api.register("pair", endpoint: ["urls": urls, "model": "m", "max_concurrency": 64]).status == .conflict)
            }
            // One url is still one replica, shown both ways.
            let single = try await api.register("single", endpoint: ["url": "http://a:8000/v1", "model": "m"]).body.json(CheckpointView.self)
            #expect(single.endpoint?.urls == ["http://a:8000/v1"] && single.endpoint?.url == "http://a:8000/v1")
            #expect(try await api.register("single", endpoint: ["urls": ["http://a:8000/v1"], "model": "m"]).status == .ok)
            let page = String(buffer: try await api.get("/checkpoints/\(view.id)").body)
            #expect(page.contains("http://a:8000/v1, http://b:8000/v1") && page.contains("64 per replica"))
        }
    }

    @Test(arguments: [
        (#"{"url":"http://a/v1","urls":["http://b/v1"],"model":"m"}"#, "not both"),
        (#"{"model":"m"}"#, "endpoint needs url"),
        (#"{"urls":[],"model":"m"}"#, "1 to 64 replicas"),
        (#"{"urls":["http://a/v1","http://a/v1/"],"model":"m"}"#, #"lists http:\/\/a\/v1 twice"#),
        (#"{"urls":["http://a/v1","ftp://b/v1"],"model":"m"}"#, "endpoint.urls[1] must be an http(s) URL"),
    ])
    func badReplicaListsAre400(endpoint: String, message: String) async throws {
        try await env.application().test(.router) { client in
            let response = try await EvaluationClient(env: env, client: client)
                .post("/api/v1/checkpoints", json: #"{"name":"bad","endpoint":\#(endpoint)}"#)
            #expect(response.status == .badRequest && String(buffer: response.body).contains(message), "\(String(buffer: response.body))")
        }
        #expect(try env.checkpointRowCount() == 0)
    }

    @Test func twoReplicasShareARunAndItsDefaultConcurrencyCoversBoth() async throws {
        let a = FakeModelEndpoint(answers: EvaluationFixture.answers(), latency: .milliseconds(20))
        let b = FakeModelEndpoint(answers: EvaluationFixture.answers(), latency: .milliseconds(20))
        let (portA, serverA) = try await a.start()
        let (portB, serverB) = try await b.start()
        defer { serverA.cancel(); serverB.cancel() }
        try await env.application().test(.router) { client in
            let api = EvaluationClient(env: env, client: client)
            try await api.importGSM8K()
            _ = try await api.register("pair", endpoint: [
                "urls": ["http://127.0.0.1:\(portA)/v1", "http://127.0.0.1:\(portB)/v1"], "model": "fake", "max_concurrency": 2,
            ])
            let created = try await api.submit("pair", ["samples": 10])
            #expect(created.concurrency == 4)
            let view = try await api.waitForEnd(created.id)
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(try await api.samples(created.id).count == 30)
        }
        let total = a.calls + b.calls
        #expect(total == 60)
        #expect((0.4...0.6).contains(Double(a.calls) / Double(total)), "a \(a.calls), b \(b.calls)")
        #expect(a.maxInFlight <= 2 && b.maxInFlight <= 2)
    }

    @Test func aReplicaShutDownMidRunLosesNoSampleAndTheOtherTakesTheLoad() async throws {
        let a = FakeModelEndpoint(answers: EvaluationFixture.answers(), latency: .milliseconds(30))
        let b = FakeModelEndpoint(answers: EvaluationFixture.answers(), latency: .milliseconds(30))
        let (portA, serverA) = try await a.start()
        let (portB, serverB) = try await b.start()
        defer { serverB.cancel() }
        let callsAtShutdown = try await env.application().test(.router) { client in
            let api = EvaluationClient(env: env, client: client)
            try await api.importGSM8K()
            _ = try await api.register("pair", endpoint: [
                "urls": ["http://127.0.0.1:\(portA)/v1", "http://127.0.0.1:\(portB)/v1"], "model": "fake", "max_concurrency": 2,
            ])
            let created = try await api.submit("pair", ["samples": 10])
            while a.calls < 10 { try await Task.sleep(for: .milliseconds(5)) }
            serverA.cancel()
            let callsAtShutdown = (a: a.calls, b: b.calls)
            let view = try await api.waitForEnd(created.id)
            #expect(view.status == .finished, "\(view.error ?? "")")
            #expect(view.results.first?.errors == 0)
            let samples = try await api.samples(created.id)
            let keys = samples.map { "\($0.item)/\($0.repeat)" }
            #expect(keys.count == 30 && Set(keys).count == 30)
            #expect(samples.allSatisfy { $0.error == nil && $0.modelCalls == 2 })
            return callsAtShutdown
        }
        // a answered what it had in flight and nothing after; b served the rest.
        #expect(a.calls <= callsAtShutdown.a + 2)
        #expect(b.calls > callsAtShutdown.b)
        #expect(a.calls + b.calls >= 60)
    }
}
