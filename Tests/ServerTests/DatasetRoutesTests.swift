import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

@Suite("Benchmarks and dataset imports")
struct DatasetRoutesTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    struct Listing: Decodable {
        struct Benchmark: Decodable {
            let name: String
            let group: String
            let metric: String
            let dataset: DatasetView?
        }
        let benchmarks: [Benchmark]
    }

    private func listing(_ client: some TestClientProtocol) async throws -> Listing {
        try await client.execute(uri: "/api/v1/benchmarks", method: .get).body.json(Listing.self)
    }

    private func put(_ benchmark: String, _ body: String, contentType: String = "application/x-ndjson",
                     client: some TestClientProtocol) async throws -> TestResponse {
        var headers = env.adminHeaders
        headers[.contentType] = contentType
        return try await client.execute(
            uri: "/api/v1/datasets/\(benchmark)", method: .put, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func freshServerListsAll14WithSampleData() async throws {
        try await env.application().test(.router) { client in
            let benchmarks = try await listing(client).benchmarks
            #expect(benchmarks.map(\.name) == [
                "aime24", "aime25", "math500", "gsm8k", "math", "hotpotqa", "2wiki", "musique", "bamboogle",
                "webwalker", "gaia", "hle", "xbench", "simpleqa", "synth-arith", "synth-hop",
            ])
            for benchmark in benchmarks {
                #expect(benchmark.dataset?.source == .sample, "\(benchmark.name)")
                #expect((benchmark.dataset?.items ?? 0) >= 10, "\(benchmark.name)")
                #expect(benchmark.dataset?.sha256.count == 64)
            }
            #expect(benchmarks.first { $0.name == "gaia" }?.group == "deep-search")
        }
    }

    @Test func importReplacesSampleSetAndIsIdempotent() async throws {
        let file = """
            {"question": "What is 6 x 7?", "answer": "The product is 42.\\n#### 42"}
            {"question": "Add 1,000 and 234.", "answer": "1,000 + 234 = 1,234\\n#### 1,234"}

            """
        try await env.application().test(.router) { client in
            let first = try await put("gsm8k", file, client: client)
            #expect(first.status == .created)
            let view = try first.body.json(DatasetView.self)
            #expect(view.items == 2)
            #expect(view.source == .imported)
            #expect(view.sha256 == DatasetParserSHA.of(file))

            let again = try await put("gsm8k", file, contentType: "application/json", client: client)
            #expect(again.status == .ok)

            let gsm8k = try await listing(client).benchmarks.first { $0.name == "gsm8k" }
            #expect(gsm8k?.dataset?.source == .imported)
            #expect(gsm8k?.dataset?.items == 2)
        }
        let items = try await env.services.datasets.items(benchmark: "gsm8k", sha256: DatasetParserSHA.of(file))
        #expect(items.map(\.answers) == [["42"], ["1234"]])
    }

    @Test func badLineIsNamedAndChangesNothing() async throws {
        try await env.application().test(.router) { client in
            let before = try await listing(client).benchmarks.first { $0.name == "hotpotqa" }?.dataset
            let response = try await put(
                "hotpotqa", #"{"question": "q1", "answer": ["a"]}"# + "\n{broken\n", client: client)
            #expect(response.status == .badRequest)
            #expect(response.body.errorCode == "invalid_dataset")
            #expect(String(buffer: response.body).contains("line 2"))
            let after = try await listing(client).benchmarks.first { $0.name == "hotpotqa" }?.dataset
            #expect(after == before)
        }
    }

    @Test func wrongContentTypeUnknownBenchmarkAndNoTokenAreRefused() async throws {
        try await env.application().test(.router) { client in
            let image = try await put("gsm8k", "{}", contentType: "image/png", client: client)
            #expect(image.status == .unsupportedMediaType)
            let unknown = try await put("mmlu", "{}", client: client)
            #expect(unknown.status == .notFound)
            #expect(String(buffer: unknown.body).contains("gsm8k"))
            let anonymous = try await client.execute(
                uri: "/api/v1/datasets/gsm8k", method: .put, body: ByteBuffer(string: "{}"))
            #expect(anonymous.status == .unauthorized)
        }
    }
}

/// The SHA-256 hex of a string's UTF-8 bytes, as datasets record it.
enum DatasetParserSHA {
    static func of(_ text: String) -> String {
        Tokens.hash(text)
    }
}
