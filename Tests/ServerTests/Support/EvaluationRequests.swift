import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// The requests evaluation suites make through a router test client:
/// import the gsm8k fixture, register a scripted endpoint, submit, wait, read samples.
extension TestEnvironment {
    /// Admin headers with a JSON content type.
    var jsonHeaders: HTTPFields {
        var headers = adminHeaders
        headers[.contentType] = "application/json"
        return headers
    }

    /// `object` as a JSON body.
    func jsonBody(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    /// Imports `EvaluationFixture.gsm8k` as the gsm8k set.
    @discardableResult
    func importGSM8K(_ client: some TestClientProtocol) async throws -> TestResponse {
        var headers = adminHeaders
        headers[.contentType] = "application/x-ndjson"
        return try await client.execute(
            uri: "/api/v1/datasets/gsm8k", method: .put, headers: headers, body: ByteBuffer(string: EvaluationFixture.gsm8k))
    }

    /// Imports gsm8k and registers the endpoint on `port` as checkpoint "fake" (4 in flight).
    func prepareFakeEndpoint(_ client: some TestClientProtocol, port: Int) async throws {
        try await importGSM8K(client)
        let registered = try await client.execute(
            uri: "/api/v1/checkpoints", method: .post, headers: jsonHeaders,
            body: try jsonBody(["name": "fake", "endpoint": ["url": "http://127.0.0.1:\(port)/v1", "model": "fake", "max_concurrency": 4]]))
        #expect(registered.status == .created)
    }

    /// Submits a gsm8k evaluation of "fake" with `body`'s fields; it must be accepted (or found).
    func submitEvaluation(_ client: some TestClientProtocol, _ body: [String: Any]) async throws -> (HTTPResponse.Status, EvaluationView) {
        var request: [String: Any] = ["checkpoint": "fake", "benchmarks": ["gsm8k"]]
        request.merge(body) { _, new in new }
        let response = try await client.execute(uri: "/api/v1/evaluations", method: .post, headers: jsonHeaders, body: try jsonBody(request))
        #expect([.ok, .accepted].contains(response.status), "\(String(buffer: response.body))")
        return (response.status, try response.body.json(EvaluationView.self))
    }

    /// The evaluation once it has ended, or as it is after `seconds`.
    func waitForEnd(_ client: some TestClientProtocol, id: Int64, seconds: Double = 120) async throws -> EvaluationView {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let view = try await client.execute(uri: "/api/v1/evaluations/\(id)", method: .get).body.json(EvaluationView.self)
            if view.status.isTerminal || Date() > deadline { return view }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Every sample of the evaluation (up to 1000).
    func samples(_ client: some TestClientProtocol, id: Int64) async throws -> [SampleView] {
        try await client.execute(uri: "/api/v1/evaluations/\(id)/samples?limit=1000", method: .get).body.json(SamplePage.self).samples
    }
}
