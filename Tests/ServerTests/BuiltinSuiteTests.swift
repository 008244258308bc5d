import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Trainer

@testable import Server
@testable import ServerCore

@Suite("Built-in synthetic suites as benchmarks")
struct BuiltinSuiteTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    struct Listing: Decodable {
        struct Benchmark: Decodable {
            let name: String
            let group: String
            let metric: String
            let builtIn: Bool
            let dataset: DatasetView?

            enum CodingKeys: String, CodingKey {
                case name, group, metric, dataset
                case builtIn = "built_in"
            }
        }
        let benchmarks: [Benchmark]
    }

    @Test func theBenchmarkListShowsBothSuitesAfterTheFourteen() async throws {
        try await env.application().test(.router) { client in
            let listing = try await client.execute(uri: "/api/v1/benchmarks", method: .get).body.json(Listing.self)
            #expect(listing.benchmarks.count == 16)
            #expect(listing.benchmarks.prefix(14).allSatisfy { !$0.builtIn && $0.group != "synthetic" })
            let suites = Array(listing.benchmarks.suffix(2))
            #expect(suites.map(\.name) == ["synth-arith", "synth-hop"])
            #expect(suites.map(\.metric) == ["math-equal", "qa"])
            for (suite, task) in zip(suites, SynthTask.allCases) {
                #expect(suite.builtIn)
                #expect(suite.group == "synthetic")
                // The test split `aepo train --eval-samples` evaluates: same items, same bytes.
                let expected = try SynthSuite(task: task).dataset(.test)
                #expect(suite.dataset?.source == .sample)
                #expect(suite.dataset?.items == 100)
                #expect(suite.dataset?.sha256 == expected.sha256)
                #expect(suite.dataset?.fileName == "\(task.rawValue) test split (generated, data_seed 0)")
            }
        }
    }

    @Test func aSuiteTakesNoDatasetUpload() async throws {
        try await env.application().test(.router) { client in
            var headers = env.adminHeaders
            headers[.contentType] = "application/x-ndjson"
            let response = try await client.execute(
                uri: "/api/v1/datasets/synth-arith", method: .put, headers: headers,
                body: ByteBuffer(string: #"{"question":"What is 1 + 1?","answer":"2"}"# + "\n"))
            #expect(response.status == .badRequest)
            #expect(response.body.errorCode == "built_in_benchmark")
        }
    }

    @Test func theInstalledSplitIsTheGeneratorsAndSurvivesARestart() async throws {
        let suites = try BuiltinSuites.published()
        let hop = try #require(suites.suite(named: "synth-hop"))
        let dataset = try hop.dataset(.test)
        await #expect(try env.services.datasets.items(benchmark: "synth-hop", sha256: dataset.sha256) == dataset.items)
        #expect(hop.corpus == (try SynthSuite(task: .hop).corpus))
        // A second start on the same data directory changes nothing.
        var config = env.services.config
        config.adminToken = env.adminToken
        let again = try await prepareServices(config, logger: .init(label: "test"))
        await #expect(try again.datasets.activeVersions() == (try env.services.datasets.activeVersions()))
    }

    @Test func pagesListAndRankTheSuitesApartFromTheLeaderboard() async throws {
        try await env.application().test(.router) { client in
            let index = String(buffer: try await client.execute(uri: "/benchmarks", method: .get).body)
            #expect(index.contains(#"<a href="/benchmarks/synth-hop">synth-hop</a>"#))
            let page = try await client.execute(uri: "/benchmarks/synth-arith?data=sample", method: .get)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("Synthetic"))
            let leaderboard = String(buffer: try await client.execute(uri: "/?data=sample", method: .get).body)
            #expect(!leaderboard.contains("synth-arith"))
            #expect(!leaderboard.contains("Synthetic"))
        }
    }
}
