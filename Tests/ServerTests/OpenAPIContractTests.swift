import Assets
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

@testable import Server
@testable import ServerCore

/// Checks Public/openapi.yaml against the router and a running server.
@Suite("OpenAPI document matches the server")
struct OpenAPIContractTests {
    let env: TestEnvironment
    let document: [String: Any]

    init() async throws {
        env = try await TestEnvironment()
        let text = try String(contentsOf: Assets.publicDirectory.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        document = try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    /// (METHOD, /path/{param}) pairs the document describes.
    private var documentedRoutes: Set<String> {
        let paths = document["paths"] as? [String: Any] ?? [:]
        var routes = Set<String>()
        for (path, value) in paths {
            for method in (value as? [String: Any] ?? [:]).keys {
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

    /// A documented GET: where to send it, the statuses it may answer and the
    /// fields each JSON answer must have.
    struct DocumentedGet: Sendable {
        var uri: String
        var requiredFields: [Int: [String]]
    }

    /// Values sent for path parameters.
    static let pathExamples = ["id": "1", "name": "gsm8k", "benchmark": "gsm8k", "file": "style.css"]

    private var documentedGets: [DocumentedGet] {
        let paths = document["paths"] as? [String: Any] ?? [:]
        return paths.compactMap { path, value in
            guard let operation = (value as? [String: Any])?["get"] as? [String: Any] else { return nil }
            let responses = operation["responses"] as? [String: Any] ?? [:]
            var fields: [Int: [String]] = [:]
            for (status, response) in responses {
                guard let code = Int(status) else { continue }
                fields[code] = requiredFields(of: response) ?? []
            }
            var uri = path
            for (parameter, value) in Self.pathExamples { uri = uri.replacingOccurrences(of: "{\(parameter)}", with: value) }
            return DocumentedGet(uri: uri, requiredFields: fields)
        }
    }

    @Test func liveServerAnswersWithDocumentedStatusesAndFields() async throws {
        let gets = documentedGets
        let headers = env.adminHeaders
        #expect(gets.count >= 5)
        let app = Application(router: buildRouter(env.services), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            // Seed one checkpoint so /{id} has something to show.
            _ = try await client.execute(
                uri: "/api/v1/checkpoints?name=seed", method: .put, headers: headers, body: ByteBuffer(string: "seed"))
            for get in gets {
                let response = try await client.execute(uri: get.uri, method: .get)
                let code = Int(response.status.code)
                let required = try #require(get.requiredFields[code], "GET \(get.uri) answered undocumented \(code)")
                if !required.isEmpty {
                    let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    for field in required {
                        #expect(object?[field] != nil, "GET \(get.uri) lacks \(field)")
                    }
                }
            }
        }
    }

    /// The `required` list of a response's JSON schema, following one `$ref`.
    private func requiredFields(of response: Any?) -> [String]? {
        guard let response = response as? [String: Any],
            let content = response["content"] as? [String: Any],
            let json = content["application/json"] as? [String: Any],
            let schema = json["schema"] as? [String: Any],
            let reference = schema["$ref"] as? String
        else { return nil }
        let name = reference.split(separator: "/").last.map(String.init) ?? ""
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        return (schemas?[name] as? [String: Any])?["required"] as? [String]
    }
}
