import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// Seeds evaluations for the page tests through the API of an app under test.
struct PageSeed {
    let client: any TestClientProtocol
    let env: TestEnvironment

    private var jsonHeaders: HTTPFields {
        var headers = env.adminHeaders
        headers[.contentType] = "application/json"
        return headers
    }

    private func json(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    /// Imports `text` as the full set of `benchmark`.
    func importDataset(_ benchmark: String, _ text: String) async throws {
        var headers = env.adminHeaders
        headers[.contentType] = "application/x-ndjson"
        let response = try await client.execute(
            uri: "/api/v1/datasets/\(benchmark)", method: .put, headers: headers, body: ByteBuffer(string: text))
        #expect(response.status == .created || response.status == .ok, "\(String(buffer: response.body))")
    }

    /// Registers a model endpoint on `port` under `name`; returns its id.
    func register(_ name: String, port: Int) async throws -> Int64 {
        let response = try await client.execute(
            uri: "/api/v1/checkpoints", method: .post, headers: jsonHeaders,
            body: try json(["name": name, "endpoint": ["url": "http://127.0.0.1:\(port)/v1", "model": "fake", "max_concurrency": 8]]))
        return try response.body.json(CheckpointView.self).id
    }

    /// Starts an evaluation and returns its id at once.
    func start(_ checkpoint: Int64, benchmarks: [String], samples: Int = 5, limit: Int? = nil, seed: Int = 0) async throws -> Int64 {
        var body: [String: Any] = ["checkpoint": checkpoint, "benchmarks": benchmarks, "samples": samples, "seed": seed]
        if let limit { body["limit"] = limit }
        let response = try await client.execute(uri: "/api/v1/evaluations", method: .post, headers: jsonHeaders, body: try json(body))
        return try response.body.json(EvaluationView.self).id
    }

    /// Runs an evaluation to its end and returns it.
    func evaluate(_ checkpoint: Int64, benchmarks: [String], samples: Int = 5, limit: Int? = nil, seed: Int = 0) async throws -> EvaluationView {
        let id = try await start(checkpoint, benchmarks: benchmarks, samples: samples, limit: limit, seed: seed)
        let deadline = Date().addingTimeInterval(60)
        while true {
            let view = try await client.execute(uri: "/api/v1/evaluations/\(id)", method: .get).body.json(EvaluationView.self)
            if view.status.isTerminal || Date() > deadline {
                #expect(view.status == .finished, "\(view.error ?? "")")
                return view
            }
            try await Task.sleep(for: .milliseconds(30))
        }
    }

    /// The body of a page, expecting `status`.
    func page(_ uri: String, status: HTTPResponse.Status = .ok) async throws -> String {
        let response = try await client.execute(uri: uri, method: .get)
        #expect(response.status == status, "GET \(uri): \(response.status)")
        return String(buffer: response.body)
    }
}

/// Strings that would run script if a page failed to escape them.
enum Hostile {
    static let script = "<script>alert(1)</script>"
    static let escapedScript = "&lt;script&gt;alert(1)&lt;/script&gt;"
    static let titleScript = "<script>document.title='XSS'</script>"
    static let image = "<img src=x onerror=\"document.title='XSS'\">"

    /// A hotpotqa set whose question and gold answer are markup.
    static let hotpotqa = #"""
        {"id": "x1", "question": "<script>alert(1)</script> Who wrote <b>it</b>?", "answer": ["</pre><img src=x onerror=\"document.title='XSS'\">"]}

        """#

    /// Markup that must never appear unescaped in a page.
    static let forbidden = ["<script>alert", "<script>document", "<img src=x", "<b>it</b>"]
}
