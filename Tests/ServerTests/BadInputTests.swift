import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

@Suite("Bad input gets a clear 4xx and loses nothing")
struct BadInputTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment(maxUploadBytes: 1000) }

    private func put(_ uri: String, _ body: ByteBuffer, client: some TestClientProtocol) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .put, headers: env.adminHeaders, body: body)
    }

    @Test func missingNameIsRefused() async throws {
        try await env.application().test(.router) { client in
            let response = try await put("/api/v1/checkpoints", ByteBuffer(string: "x"), client: client)
            #expect(response.status == .badRequest)
            #expect(response.body.errorCode == "invalid_name")
        }
    }

    @Test(arguments: [
        ("bad%0Aname", "control"), ("tab%09", "control"), (String(repeating: "a", count: 201), "at most"),
        ("%20%20", "empty"), ("", "empty"),
    ])
    func invalidNamesAreRefused(name: String, reason: String) async throws {
        try await env.application().test(.router) { client in
            let response = try await put("/api/v1/checkpoints?name=\(name)", ByteBuffer(string: "x"), client: client)
            #expect(response.status == .badRequest)
            #expect(response.body.errorCode == "invalid_name")
            #expect(String(buffer: response.body).contains(reason))
        }
        #expect(try env.checkpointRowCount() == 0)
        #expect(env.temporaryFiles().isEmpty)
    }

    @Test func namesAreLabelsNeverPaths() async throws {
        try await env.application().test(.router) { client in
            let traversal = try await put("/api/v1/checkpoints?name=../x", ByteBuffer(string: "1"), client: client)
            #expect(traversal.status == .created)
            #expect(try traversal.body.json(CheckpointView.self).name == "../x")
            let slash = try await put("/api/v1/checkpoints?name=org/model", ByteBuffer(string: "2"), client: client)
            #expect(slash.status == .created)
            let longest = String(repeating: "é", count: 200)
            let ok = try await put(
                "/api/v1/checkpoints?name=\(APIClient.queryEncode(longest))", ByteBuffer(string: "3"), client: client)
            #expect(ok.status == .created)
        }
        let parent = env.directory.deletingLastPathComponent()
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("x").path))
        #expect(!FileManager.default.fileExists(atPath: env.directory.appendingPathComponent("x").path))
        #expect(env.checkpointFiles().allSatisfy { $0.count == 64 })
    }

    @Test func bodyOverTheLimitIs413AndRemoved() async throws {
        try await env.application().test(.router) { client in
            let big = ByteBuffer(bytes: [UInt8](repeating: 7, count: 5000))
            let response = try await put("/api/v1/checkpoints?name=big", big, client: client)
            #expect(response.status == .contentTooLarge)
            #expect(response.body.errorCode == "payload_too_large")
        }
        #expect(try env.checkpointRowCount() == 0)
        #expect(env.temporaryFiles().isEmpty)
        #expect(env.checkpointFiles().isEmpty)
    }

    @Test func unknownIdsAre404() async throws {
        try await env.application().test(.router) { client in
            for uri in ["/api/v1/checkpoints/999", "/api/v1/checkpoints/abc", "/api/v1/checkpoints/-1", "/no/such/route"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .notFound, "\(uri)")
                #expect(response.body.errorCode == "not_found", "\(uri)")
            }
        }
    }

    @Test func malformedJSONIs400() async throws {
        try await env.application().test(.router) { client in
            var headers = env.adminHeaders
            headers[.contentType] = "application/json"
            for body in ["{not json", "[]", #"{"name":"x"}"#, #"{"name":"x","endpoint":{"url":5,"model":"m"}}"#] {
                let response = try await client.execute(
                    uri: "/api/v1/checkpoints", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.body.errorCode == "malformed_json", "\(body)")
            }
        }
    }

    @Test func wrongContentTypeIs415() async throws {
        try await env.application().test(.router) { client in
            var headers = env.adminHeaders
            headers[.contentType] = "text/plain"
            let response = try await client.execute(
                uri: "/api/v1/checkpoints", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"name":"x","endpoint":{"url":"http://h/v1","model":"m"}}"#))
            #expect(response.status == .unsupportedMediaType)
            #expect(response.body.errorCode == "unsupported_media_type")
        }
    }

    @Test func badQueryParametersAre400() async throws {
        try await env.application().test(.router) { client in
            for uri in ["/api/v1/checkpoints?limit=0", "/api/v1/checkpoints?limit=x", "/api/v1/checkpoints?cursor=z"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .badRequest, "\(uri)")
            }
        }
    }
}
