import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

@Suite("Registering models served elsewhere")
struct EndpointRegistrationTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    private func register(_ json: String, client: some TestClientProtocol) async throws -> TestResponse {
        var headers = env.adminHeaders
        headers[.contentType] = "application/json"
        return try await client.execute(
            uri: "/api/v1/checkpoints", method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    @Test func registerIsIdempotentByNameUrlAndModel() async throws {
        let body = #"{"name":"qwen3-14b-aepo","endpoint":{"url":"http://host:8000/v1","model":"qwen3-14b-aepo"}}"#
        try await env.application().test(.router) { client in
            let created = try await register(body, client: client)
            #expect(created.status == .created)
            let checkpoint = try created.body.json(CheckpointView.self)
            #expect(checkpoint.kind == .endpoint)
            #expect(checkpoint.endpoint == .init(url: "http://host:8000/v1", model: "qwen3-14b-aepo", maxConcurrency: 16))
            #expect(checkpoint.sha256 == nil)

            let again = try await register(body, client: client)
            #expect(again.status == .ok)
            #expect(try again.body.json(CheckpointView.self).id == checkpoint.id)

            let other = try await register(
                #"{"name":"qwen3-14b-aepo","endpoint":{"url":"http://other:8000/v1","model":"qwen3-14b-aepo"}}"#,
                client: client)
            #expect(other.status == .conflict)

            let shown = try await client.execute(uri: "/api/v1/checkpoints/\(checkpoint.id)", method: .get)
            #expect(try shown.body.json(CheckpointView.self) == checkpoint)
        }
    }

    @Test func maxConcurrencyIsKept() async throws {
        try await env.application().test(.router) { client in
            let response = try await register(
                #"{"name":"sglang","endpoint":{"url":"https://h/v1/","model":"m","max_concurrency":64}}"#, client: client)
            #expect(response.status == .created)
            let checkpoint = try response.body.json(CheckpointView.self)
            #expect(checkpoint.endpoint?.maxConcurrency == 64)
            #expect(checkpoint.endpoint?.url == "https://h/v1")
        }
    }

    @Test(arguments: [
        #"{"name":"a","endpoint":{"url":"ftp://h/v1","model":"m"}}"#,
        #"{"name":"a","endpoint":{"url":"not a url","model":"m"}}"#,
        #"{"name":"a","endpoint":{"url":"http://h/v1","model":""}}"#,
        #"{"name":"a","endpoint":{"url":"http://h/v1","model":"m","max_concurrency":0}}"#,
        #"{"name":"","endpoint":{"url":"http://h/v1","model":"m"}}"#,
    ])
    func invalidRegistrationsAre400(body: String) async throws {
        try await env.application().test(.router) { client in
            let response = try await register(body, client: client)
            #expect(response.status == .badRequest)
        }
        #expect(try env.checkpointRowCount() == 0)
    }

    @Test func fileNamesAndEndpointNamesShareOneNamespace() async throws {
        try await env.application().test(.router) { client in
            _ = try await client.execute(
                uri: "/api/v1/checkpoints?name=shared", method: .put, headers: env.adminHeaders,
                body: ByteBuffer(string: "bytes"))
            let response = try await register(
                #"{"name":"shared","endpoint":{"url":"http://h/v1","model":"m"}}"#, client: client)
            #expect(response.status == .conflict)
        }
    }
}
