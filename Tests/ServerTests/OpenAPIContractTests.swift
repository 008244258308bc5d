import Assets
import Benchmarks
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

@testable import Server
@testable import ServerCore

/// Checks Public/openapi.yaml: every `$ref` resolves, every key is one
/// OpenAPI allows where it sits, the router serves exactly the documented
/// routes, and the in-process app answers with documented statuses and
/// bodies that validate against the documented schemas.
///
/// `AEPO_OPENAPI_DOCUMENT=<file>` checks another document (e.g. an older
/// revision) against the same server.
@Suite("OpenAPI document matches the server")
struct OpenAPIContractTests {
    let env: TestEnvironment
    let document: [String: Any]
    let checks: OpenAPIChecks

    static func documentText() throws -> String {
        if let path = ProcessInfo.processInfo.environment["AEPO_OPENAPI_DOCUMENT"], !path.isEmpty {
            return try String(contentsOfFile: path, encoding: .utf8)
        }
        return try String(contentsOf: Assets.publicDirectory.appendingPathComponent("openapi.yaml"), encoding: .utf8)
    }

    init() async throws {
        env = try await TestEnvironment()
        // Yams refuses a mapping with a key given twice, so a duplicated key fails here.
        document = try #require(try Yams.load(yaml: try Self.documentText()) as? [String: Any])
        checks = OpenAPIChecks(document: document)
    }

    @Test func everyReferenceResolves() {
        let dangling = checks.danglingReferences()
        #expect(dangling.isEmpty, "\(dangling.count) dangling $ref:\n\(dangling.joined(separator: "\n"))")
    }

    @Test func everyKeyIsAllowedWhereItSits() {
        let keys = checks.disallowedKeys()
        #expect(keys.isEmpty, "\(keys.count) keys OpenAPI does not allow there:\n\(keys.joined(separator: "\n"))")
    }

    @Test func duplicateKeysAreRefused() {
        #expect(throws: (any Error).self) { try Yams.load(yaml: "a: 1\nb: 2\na: 3\n") }
    }

    @Test func theValidatorCatchesWhatItShould() throws {
        let spec = try #require(
            try Yams.load(
                yaml: """
                    components:
                      schemas:
                        Thing:
                          type: object
                          additionalProperties: false
                          required: [id, name]
                          properties:
                            id: {type: integer, minimum: 1, maximum: 10}
                            name: {type: [string, 'null'], maxLength: 3}
                            kind: {type: string, enum: [a, b]}
                            tags: {type: array, items: {type: string}}
                            either: {oneOf: [{type: integer}, {type: string}]}
                    """) as? [String: Any])
        let checks = OpenAPIChecks(document: spec)
        let schema = ["$ref": "#/components/schemas/Thing"]
        func errors(_ json: String) throws -> [String] {
            checks.validate(try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)), against: schema)
        }
        #expect(try errors(#"{"id":1,"name":null,"kind":"a","tags":["x"],"either":"s"}"#).isEmpty)
        #expect(try errors(#"{"id":1,"name":"abc","either":2}"#).isEmpty)
        #expect(try errors(#"{"id":0,"name":"x"}"#).count == 1)  // minimum
        #expect(try errors(#"{"id":11,"name":"x"}"#).count == 1)  // maximum
        #expect(try errors(#"{"id":1.5,"name":"x"}"#).count == 1)  // integer
        #expect(try errors(#"{"id":1}"#).count == 1)  // required
        #expect(try errors(#"{"id":1,"name":"x","extra":1}"#).count == 1)  // additionalProperties
        #expect(try errors(#"{"id":1,"name":"abcd"}"#).count == 1)  // maxLength
        #expect(try errors(#"{"id":1,"name":"x","kind":"c"}"#).count == 1)  // enum
        #expect(try errors(#"{"id":1,"name":"x","tags":[1]}"#).count == 1)  // items
        #expect(try errors(#"{"id":1,"name":"x","either":true}"#).count == 1)  // oneOf
        #expect(try errors(#"{"id":"1","name":"x"}"#).count == 1)  // type
    }

    /// (METHOD, /path/{param}) pairs the document describes.
    private var documentedRoutes: Set<String> {
        let paths = document["paths"] as? [String: Any] ?? [:]
        var routes = Set<String>()
        for (path, value) in paths {
            for method in (value as? [String: Any] ?? [:]).keys where OpenAPIChecks.methods.contains(method) {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }

    /// (METHOD, /path/{param}) pairs the router serves.
    private var servedRoutes: Set<String> {
        let router = buildRouter(env.services)
        return Set(router.routes.map { route in
            let path = route.path.description.hasPrefix("/") ? route.path.description : "/" + route.path.description
            return "\(route.method.rawValue) \(path)"
        })
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
        #expect(servedRoutes.subtracting(documentedRoutes).isEmpty, "undocumented: \(servedRoutes.subtracting(documentedRoutes))")
        #expect(documentedRoutes.subtracting(servedRoutes).isEmpty, "missing: \(documentedRoutes.subtracting(servedRoutes))")
    }

    /// One request of the contract check.
    struct Call: Sendable {
        var method: HTTPRequest.Method
        var uri: String
        var auth = true
        var contentType: String?
        var body: String?
        /// A binary body (a tar), sent instead of `body`.
        var bytes: Data?
    }

    /// Sends `call` and checks the answer against the document: a documented
    /// status, a documented content type, and a JSON body valid against the
    /// status's schema. Returns the decoded JSON body, if any.
    @discardableResult
    private static func exchange(
        _ client: some TestClientProtocol, _ call: Call, checks: OpenAPIChecks, admin: HTTPFields, problems: inout [String]
    ) async throws -> JSONValue? {
        var headers: HTTPFields = call.auth ? admin : [:]
        if let contentType = call.contentType { headers[.contentType] = contentType }
        let response = try await client.execute(
            uri: call.uri, method: call.method, headers: headers,
            body: call.bytes.map { ByteBuffer(bytes: $0) } ?? call.body.map { ByteBuffer(string: $0) })
        let label = "\(call.method.rawValue) \(call.uri) -> \(response.status.code)"
        let path = String(call.uri.split(separator: "?", maxSplits: 1).first ?? "")
        guard let (_, operation) = checks.operation(call.method.rawValue, path) else {
            problems.append("\(label): no documented operation")
            return nil
        }
        guard let documented = checks.response(of: operation, status: Int(response.status.code)) else {
            problems.append("\(label): status not documented")
            return nil
        }
        let content = documented["content"] as? [String: Any] ?? [:]
        let contentType = response.headers[.contentType]?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let contentType else {
            if !content.isEmpty { problems.append("\(label): no Content-Type, documented \(content.keys.sorted())") }
            return nil
        }
        guard let media = content[contentType] as? [String: Any] else {
            problems.append("\(label): Content-Type \(contentType) not documented (\(content.keys.sorted()))")
            return nil
        }
        guard contentType == "application/json" else { return nil }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
        } catch {
            problems.append("\(label): the body is not JSON")
            return nil
        }
        if let schema = media["schema"] {
            for error in checks.validate(value, against: schema) { problems.append("\(label): \(error)") }
        }
        return value
    }

    private static func id(_ value: JSONValue?) -> Int {
        if case .object(let object) = value, case .number(let id) = object["id"] { return Int(id) }
        return 0
    }

    @Test func responsesValidateAgainstTheDocumentedSchemas() async throws {
        let app = Application(router: buildRouter(env.services))
        let (checks, admin) = (self.checks, env.adminHeaders)
        try await app.test(.router) { client in
            var problems: [String] = []
            func exchange(_ client: some TestClientProtocol, _ call: Call, problems: inout [String]) async throws -> JSONValue? {
                try await Self.exchange(client, call, checks: checks, admin: admin, problems: &problems)
            }
            // Seed: a file checkpoint, an endpoint checkpoint, an imported
            // dataset, a corpus document, a reported result and an evaluation.
            let file = try await exchange(
                client, Call(method: .put, uri: "/api/v1/checkpoints?name=seed", contentType: "application/octet-stream", body: "seed"),
                problems: &problems)
            _ = try await exchange(
                client, Call(method: .put, uri: "/api/v1/checkpoints?name=seed-again", contentType: "application/octet-stream", body: "seed"),
                problems: &problems)
            let tar = TarFixture.archive(HFFixture.llamaFiles())
            let directory = try await exchange(
                client, Call(method: .put, uri: "/api/v1/checkpoints?name=hf-seed", contentType: "application/x-tar", bytes: tar),
                problems: &problems)
            let unsupported = TarFixture.archive(HFFixture.llamaFiles(architecture: "OtherForCausalLM"))
            for call in [
                Call(method: .post, uri: "/api/v1/checkpoints?name=hf-again", contentType: "application/x-tar", bytes: tar),
                Call(method: .put, uri: "/api/v1/checkpoints?name=hf-other", contentType: "application/x-tar", bytes: unsupported),
                Call(method: .put, uri: "/api/v1/checkpoints?name=hf-bad", contentType: "application/x-tar", bytes: Data("junk".utf8)),
            ] { _ = try await exchange(client, call, problems: &problems) }
            let registration = #"{"name":"served","endpoint":{"url":"http://127.0.0.1:9/v1","model":"m","max_concurrency":2}}"#
            let endpoint = try await exchange(
                client, Call(method: .post, uri: "/api/v1/checkpoints", contentType: "application/json", body: registration),
                problems: &problems)
            let dataset = #"{"question":"What is 2+2?","answer":"2+2=4\n#### 4"}"# + "\n"
            let reported = #"{"name":"paper","source_url":"https://example.org/p","results":[{"benchmark":"gsm8k","pass_at_1":0.5}]}"#
            let evaluation = #"{"checkpoint":"served","benchmarks":["gsm8k"],"samples":1,"limit":1,"sampling":{"top_k":-1},"#
                + #""limits":{"max_searches":0},"search":{"backend":"local","top_k":3},"judge":null}"#
            var calls: [Call] = [
                Call(method: .put, uri: "/api/v1/datasets/gsm8k?file=g.jsonl", contentType: "application/x-ndjson", body: dataset),
                Call(method: .put, uri: "/api/v1/datasets/gsm8k?file=g.jsonl", contentType: "application/x-ndjson", body: dataset),
                Call(method: .put, uri: "/api/v1/corpus", contentType: "application/x-ndjson", body: #"{"id":"d1","title":"T","text":"four"}"#),
            ]
            // Engine profiles: stored, replaced, refused, listed, shown, deleted.
            let engine = #"{"command":["vllm","serve","{model_dir}","--port","{port}"],"gpus_per_replica":0}"#
            calls += [
                Call(method: .put, uri: "/api/v1/engines/vllm-tp", contentType: "application/json", body: engine),
                Call(method: .put, uri: "/api/v1/engines/vllm-tp", contentType: "application/json", body: engine),
                Call(method: .put, uri: "/api/v1/engines/ray", contentType: "application/json", body: #"{"command":["x","{port}"],"launcher":"ray"}"#),
                Call(method: .get, uri: "/api/v1/engines"), Call(method: .get, uri: "/api/v1/engines/vllm-tp"),
                Call(method: .get, uri: "/api/v1/engines/none"), Call(method: .get, uri: "/engines"),
                Call(method: .put, uri: "/api/v1/engines/gone", contentType: "application/json", body: engine),
                Call(method: .delete, uri: "/api/v1/engines/gone"),
            ]
            for call in calls { _ = try await exchange(client, call, problems: &problems) }
            let result = try await exchange(
                client, Call(method: .post, uri: "/api/v1/reported-results", contentType: "application/json", body: reported),
                problems: &problems)
            let queued = try await exchange(
                client, Call(method: .post, uri: "/api/v1/evaluations", contentType: "application/json", body: evaluation),
                problems: &problems)
            let (fileID, endpointID, resultID, evaluationID) = (Self.id(file), Self.id(endpoint), Self.id(result), Self.id(queued))
            #expect(fileID > 0 && endpointID > 0 && resultID > 0 && evaluationID > 0, "seeding failed: \(problems)")

            calls = [
                // The same again: 200s.
                Call(method: .post, uri: "/api/v1/checkpoints", contentType: "application/json", body: registration),
                Call(method: .post, uri: "/api/v1/evaluations", contentType: "application/json", body: evaluation),
                // Every read, with data.
                Call(method: .get, uri: "/healthz"), Call(method: .get, uri: "/openapi.yaml"), Call(method: .get, uri: "/metrics"),
                Call(method: .get, uri: "/api/v1/checkpoints"), Call(method: .get, uri: "/api/v1/checkpoints?limit=1"),
                Call(method: .get, uri: "/api/v1/checkpoints/\(fileID)"), Call(method: .get, uri: "/api/v1/checkpoints/\(endpointID)"),
                Call(method: .get, uri: "/api/v1/checkpoints/\(Self.id(directory))"), Call(method: .get, uri: "/checkpoints/\(Self.id(directory))"),
                Call(method: .get, uri: "/api/v1/benchmarks"), Call(method: .get, uri: "/api/v1/corpus"),
                Call(method: .get, uri: "/api/v1/corpus/search?q=four&k=2"),
                Call(method: .get, uri: "/api/v1/evaluations"), Call(method: .get, uri: "/api/v1/evaluations?checkpoint=\(endpointID)"),
                Call(method: .get, uri: "/api/v1/evaluations/\(evaluationID)"),
                Call(method: .get, uri: "/api/v1/evaluations/\(evaluationID)/samples?benchmark=gsm8k"),
                Call(method: .get, uri: "/api/v1/training-jobs"),
                Call(method: .get, uri: "/api/v1/leaderboard"), Call(method: .get, uri: "/api/v1/leaderboard?data=sample&sort=name&order=asc"),
                Call(method: .get, uri: "/api/v1/leaderboard?data=imported&sort=gsm8k.pass_at_5"),
                Call(method: .get, uri: "/api/v1/reported-results"), Call(method: .get, uri: "/api/v1/reported-results/\(resultID)"),
                Call(method: .get, uri: "/"), Call(method: .get, uri: "/?data=sample&sort=overall.pass_at_5&order=asc&page=1"),
                Call(method: .get, uri: "/benchmarks"), Call(method: .get, uri: "/benchmarks/gsm8k?sort=pass_at_5"),
                Call(method: .get, uri: "/checkpoints/\(fileID)"), Call(method: .get, uri: "/evaluations/\(evaluationID)?verdict=correct"),
                Call(method: .get, uri: "/training-jobs"), Call(method: .get, uri: "/static/style.css"),
                // Client errors: each must be a documented status with the Error body.
                Call(method: .get, uri: "/api/v1/checkpoints?limit=0"), Call(method: .get, uri: "/api/v1/checkpoints?cursor=0"),
                Call(method: .get, uri: "/api/v1/checkpoints/999999"), Call(method: .get, uri: "/api/v1/evaluations/999999"),
                Call(method: .get, uri: "/api/v1/evaluations/999999/samples"), Call(method: .get, uri: "/api/v1/evaluations/999999/events"),
                Call(method: .get, uri: "/api/v1/training-jobs/999999"), Call(method: .get, uri: "/api/v1/training-jobs/999999/events"),
                Call(method: .get, uri: "/api/v1/reported-results/999999"), Call(method: .get, uri: "/api/v1/corpus/search"),
                Call(method: .get, uri: "/api/v1/leaderboard?sort=bogus"), Call(method: .get, uri: "/api/v1/leaderboard?order=up"),
                Call(method: .get, uri: "/?page=0"), Call(method: .get, uri: "/?page=999"), Call(method: .get, uri: "/benchmarks/nope"),
                Call(method: .get, uri: "/checkpoints/999999"), Call(method: .get, uri: "/training-jobs/999999"),
                Call(method: .get, uri: "/static/nope.css"),
                Call(method: .post, uri: "/api/v1/checkpoints", auth: false, contentType: "application/json", body: registration),
                Call(method: .post, uri: "/api/v1/checkpoints", contentType: "text/plain", body: "x"),
                Call(method: .post, uri: "/api/v1/checkpoints", contentType: "application/json", body: #"{"name":"x","endpoint":{"url":"http://h","model":"m","extra":1}}"#),
                Call(method: .post, uri: "/api/v1/evaluations", contentType: "application/json", body: #"{"checkpoint":1,"benchmarks":["gsm8k"],"sampling":{"top_p":2}}"#),
                Call(method: .post, uri: "/api/v1/evaluations", contentType: "application/json", body: #"{"checkpoint":"nobody","benchmarks":["gsm8k"]}"#),
                Call(method: .post, uri: "/api/v1/training-jobs", contentType: "application/json", body: #"{"algorithm":"grpo","task":"synth-arith","steps":0}"#),
                Call(method: .post, uri: "/api/v1/training-jobs/999999/cancel"),
                Call(method: .put, uri: "/api/v1/datasets/gsm8k", contentType: "application/x-ndjson", body: "not json\n"),
                Call(method: .put, uri: "/api/v1/datasets/nope", contentType: "application/x-ndjson", body: dataset),
                Call(method: .post, uri: "/api/v1/reported-results", contentType: "application/json", body: #"{"name":"p","source_url":"ftp://x","results":[]}"#),
                // Cancel, then cancel again (409); delete, then delete again (404).
                Call(method: .post, uri: "/api/v1/evaluations/\(evaluationID)/cancel"),
                Call(method: .post, uri: "/api/v1/evaluations/\(evaluationID)/cancel"),
                Call(method: .get, uri: "/api/v1/evaluations/\(evaluationID)"),
                Call(method: .delete, uri: "/api/v1/reported-results/\(resultID)"),
                Call(method: .delete, uri: "/api/v1/reported-results/\(resultID)"),
            ]
            for call in calls { _ = try await exchange(client, call, problems: &problems) }
            #expect(problems.isEmpty, "\(problems.count) answers that break the document:\n\(problems.joined(separator: "\n"))")
        }
    }
}
