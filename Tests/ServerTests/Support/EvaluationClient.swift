import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

@testable import Server
@testable import ServerCore

/// The API calls an evaluation test makes, on a router test client.
struct EvaluationClient {
    let env: TestEnvironment
    let client: any TestClientProtocol

    var jsonHeaders: HTTPFields {
        var headers = env.adminHeaders
        headers[.contentType] = "application/json"
        return headers
    }

    /// POSTs `text` (JSON) to `uri` with the admin token.
    func post(_ uri: String, json text: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: jsonHeaders, body: ByteBuffer(string: text))
    }

    /// POSTs `object` as JSON to `uri` with the admin token.
    func post(_ uri: String, _ object: [String: Any]) async throws -> TestResponse {
        try await client.execute(
            uri: uri, method: .post, headers: jsonHeaders, body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object)))
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get)
    }

    /// Imports the fixture's gsm8k set (3 items).
    func importGSM8K() async throws {
        var headers = env.adminHeaders
        headers[.contentType] = "application/x-ndjson"
        _ = try await client.execute(
            uri: "/api/v1/datasets/gsm8k", method: .put, headers: headers, body: ByteBuffer(string: EvaluationFixture.gsm8k))
    }

    /// Registers `endpoint` under `name`.
    func register(_ name: String, endpoint: [String: Any]) async throws -> TestResponse {
        try await post("/api/v1/checkpoints", ["name": name, "endpoint": endpoint])
    }

    /// Submits an evaluation of `checkpoint` on gsm8k, `request` merged in.
    func submit(_ checkpoint: String, _ request: [String: Any] = [:]) async throws -> EvaluationView {
        var body: [String: Any] = ["checkpoint": checkpoint, "benchmarks": ["gsm8k"]]
        body.merge(request) { _, new in new }
        return try await post("/api/v1/evaluations", body).body.json(EvaluationView.self)
    }

    /// The evaluation once it has ended (or after `seconds`).
    func waitForEnd(_ id: Int64, seconds: Double = 120) async throws -> EvaluationView {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let view = try await get("/api/v1/evaluations/\(id)").body.json(EvaluationView.self)
            if view.status.isTerminal || Date() > deadline { return view }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Every stored sample of an evaluation.
    func samples(_ id: Int64) async throws -> [SampleView] {
        try await get("/api/v1/evaluations/\(id)/samples?limit=1000").body.json(SamplePage.self).samples
    }
}
