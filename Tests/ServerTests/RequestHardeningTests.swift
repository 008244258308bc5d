import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// Request bodies a daemon anyone can reach must refuse: each of these was
/// accepted (or answered 500) before.
@Suite("Request hardening")
struct RequestHardeningTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    private func post(_ uri: String, _ json: String, client: some TestClientProtocol) async throws -> TestResponse {
        var headers = env.adminHeaders
        headers[.contentType] = "application/json"
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    private func registerEndpoint(client: some TestClientProtocol) async throws {
        let response = try await post(
            "/api/v1/checkpoints", #"{"name":"served","endpoint":{"url":"http://127.0.0.1:9/v1","model":"m"}}"#, client: client)
        #expect(response.status == .created)
    }

    @Test func jsonOverTheLimitIs413OnEveryJSONRoute() async throws {
        let big = #"{"name":""# + String(repeating: "x", count: env.services.config.maxJSONBytes) + #""}"#
        try await env.application().test(.router) { client in
            for route in ["/api/v1/training-jobs", "/api/v1/evaluations", "/api/v1/checkpoints", "/api/v1/reported-results"] {
                let response = try await post(route, big, client: client)
                #expect(response.status == .contentTooLarge, "\(route) answered \(response.status)")
                #expect(response.body.errorCode == "payload_too_large", "\(route)")
            }
        }
    }

    @Test(arguments: [
        #"{"name":"a","name":"b","endpoint":{"url":"http://127.0.0.1:9/v1","model":"m"}}"#,
        #"{"name":"a","endpoint":{"url":"http://127.0.0.1:9/v1","model":"m","\u006dodel":"n"}}"#,
    ])
    func duplicateKeysAreRefused(body: String) async throws {
        try await env.application().test(.router) { client in
            let response = try await post("/api/v1/checkpoints", body, client: client)
            #expect(response.status == .badRequest)
            #expect(response.body.errorCode == "duplicate_key")
        }
        #expect(try env.checkpointRowCount() == 0)
    }

    @Test func endpointURLsAreLimitedTo2000Characters() async throws {
        let long = "http://127.0.0.1:9/" + String(repeating: "v", count: 2000)
        try await env.application().test(.router) { client in
            let response = try await post(
                "/api/v1/checkpoints", #"{"name":"long","endpoint":{"url":"\#(long)","model":"m"}}"#, client: client)
            #expect(response.status == .badRequest)
            #expect(response.body.errorCode == "invalid_endpoint")
        }
        #expect(try env.checkpointRowCount() == 0)
    }

    @Test func unknownKeysInNestedObjectsAreRefused() async throws {
        try await env.application().test(.router) { client in
            let endpoint = try await post(
                "/api/v1/checkpoints", #"{"name":"a","endpoint":{"url":"http://127.0.0.1:9/v1","model":"m","concurrency":64}}"#,
                client: client)
            #expect(endpoint.status == .badRequest)
            #expect(endpoint.body.errorCode == "unknown_field")
            #expect(String(buffer: endpoint.body).contains("concurrency"))
            try await registerEndpoint(client: client)
            let judge = try await post(
                "/api/v1/evaluations",
                #"{"checkpoint":"served","benchmarks":["gsm8k"],"judge":{"url":"http://127.0.0.1:9/v1","model":"j","temp":0}}"#,
                client: client)
            #expect(judge.status == .badRequest)
            #expect(String(buffer: judge.body).contains("temp"))
            let training = try await post(
                "/api/v1/training-jobs",
                #"{"algorithm":"aepo","task":"synth-arith","evaluate":{"benchmarks":["gsm8k"],"sample":3}}"#, client: client)
            #expect(training.status == .badRequest)
            #expect(String(buffer: training.body).contains("sample"))
        }
    }

    @Test(arguments: [
        #""sampling":{"temperature":1e308}"#, #""sampling":{"max_tokens":99999999999}"#, #""sampling":{"top_k":99999999999}"#,
        #""sampling":{"repetition_penalty":1e300}"#, #""limits":{"max_model_calls":99999999999}"#,
        #""limits":{"sample_timeout_seconds":1e308}"#, #""limits":{"max_searches":1000000}"#, #""limit":99999999999"#,
        #""seed":-1"#, #""seed":9007199254740993"#,
    ])
    func numericFieldsHaveUpperBounds(field: String) async throws {
        try await env.application().test(.router) { client in
            try await registerEndpoint(client: client)
            let response = try await post(
                "/api/v1/evaluations", #"{"checkpoint":"served","benchmarks":["gsm8k"],\#(field)}"#, client: client)
            #expect(response.status == .badRequest, "\(field) answered \(response.status)")
        }
    }

    @Test(arguments: ["evil\u{202E}gpj.exe", "a\u{2066}b", "x\u{202A}"])
    func namesWithBidiControlsAreRefused(name: String) async throws {
        try await env.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/checkpoints?name=\(APIClient.queryEncode(name))", method: .put, headers: env.adminHeaders,
                body: ByteBuffer(string: "x"))
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).contains("bidirectional"))
        }
        #expect(try env.checkpointRowCount() == 0)
    }

    @Test func nameLengthCountsUnicodeScalars() throws {
        // One grapheme cluster of 300 scalars: 1 "character", 300 scalars.
        let stacked = "e" + String(repeating: "\u{0301}", count: 299)
        #expect(stacked.count == 1)
        #expect(throws: NameError.self) { try Name.validate(stacked) }
        #expect(try Name.validate(String(repeating: "é", count: 200)) == String(repeating: "é", count: 200))
    }

    @Test func emptyCheckpointAndCorpusBodiesAre400() async throws {
        try await env.application().test(.router) { client in
            let checkpoint = try await client.execute(
                uri: "/api/v1/checkpoints?name=empty", method: .put, headers: env.adminHeaders, body: ByteBuffer())
            #expect(checkpoint.status == .badRequest)
            #expect(checkpoint.body.errorCode == "empty_body")
            let seeded = try await client.execute(
                uri: "/api/v1/corpus", method: .put, headers: env.adminHeaders,
                body: ByteBuffer(string: #"{"id":"1","text":"kept"}"# + "\n"))
            #expect(seeded.status == .ok)
            let wipe = try await client.execute(
                uri: "/api/v1/corpus?replace=true", method: .put, headers: env.adminHeaders, body: ByteBuffer())
            #expect(wipe.status == .badRequest)
            #expect(wipe.body.errorCode == "empty_body")
            let summary = try await client.execute(uri: "/api/v1/corpus", method: .get)
            #expect(String(buffer: summary.body) == #"{"documents":1}"#)
        }
        #expect(try env.checkpointRowCount() == 0)
        #expect(env.checkpointFiles().isEmpty)
    }
}

@Suite("Duplicate JSON keys")
struct DuplicateKeyCheckTests {
    @Test(arguments: [
        (#"{"a":1,"b":2}"#, nil), (#"{"a":1,"a":2}"#, "a"), (#"{"a":{"b":1,"b":2}}"#, "a.b"),
        (#"{"a":[{"x":1},{"x":1,"x":2}]}"#, "a.1.x"), (#"{"a":"\"a\"","b":{"a":1}}"#, nil),
        (#"{"\u0061":1,"a":2}"#, "a"), (#"{"😀":1,"\ud83d\ude00":2}"#, "😀"), (#"[{"a":1},{"a":1}]"#, nil),
        (#"{"a,b":1,"a":2,"b":3}"#, nil), (#"{"k":"{\"k\":1}","j":1}"#, nil),
    ] as [(String, String?)])
    func findsTheFirstDuplicate(json: String, expected: String?) {
        #expect(DuplicateKeyCheck.firstDuplicate(in: Array(json.utf8)) == expected)
    }
}
