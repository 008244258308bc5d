import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// The result rows the rankings read, and the data generation that keeps
/// cached pages honest.
@Suite("Evaluation results and page invalidation")
struct EvaluationResultTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    private func resultRows(_ id: Int64) throws -> [Row] {
        try env.services.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM evaluation_result WHERE evaluation_id = ?", arguments: [id])
        }
    }

    @Test func finishingWritesResultsWithAnIntervalAndBackfillRestoresThem() async throws {
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers())
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            let pages = PageSeed(client: client, env: env)
            try await pages.importDataset("gsm8k", EvaluationFixture.gsm8k)
            let checkpoint = try await pages.register("alpha", port: port)
            let view = try await pages.evaluate(checkpoint, benchmarks: ["gsm8k"])
            let rows = try resultRows(view.id)
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(abs((row["pass_at_1"] as Double) - EvaluationFixture.expectedPassAt1) < 1e-12)
            #expect(abs((row["pass_at_5"] as Double) - EvaluationFixture.expectedPassAt5) < 1e-12)
            #expect(row["items"] as Int == 3)
            let interval = try #require(BootstrapInterval.mean(of: [0.4, 1.0, 0.0]), "item-id order: a, b, c")
            #expect(row["ci_low"] as Double == interval.low)
            #expect(row["ci_high"] as Double == interval.high)

            try await env.services.database.writer.write { db in try db.execute(sql: "DELETE FROM evaluation_result") }
            await #expect(try env.services.evaluations.backfillResults() == 1)
            #expect(try resultRows(view.id).count == 1)
            await #expect(try env.services.evaluations.backfillResults() == 0)
        }
    }

    @Test func partialRunsAreShownButNotRanked() async throws {
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers())
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            let pages = PageSeed(client: client, env: env)
            try await pages.importDataset("gsm8k", EvaluationFixture.gsm8k)
            let checkpoint = try await pages.register("partial", port: port)
            let view = try await pages.evaluate(checkpoint, benchmarks: ["gsm8k"], limit: 2)
            #expect(try resultRows(view.id).first?["items"] as Int? == 2)
            let data = try await LeaderboardStore(database: env.services.database).data(source: .imported)
            #expect(data.results.isEmpty)
            let board = try await pages.page("/")
            #expect(!board.contains(">partial</a>"))
            let page = try await pages.page("/checkpoints/\(checkpoint)")
            #expect(page.contains("2 of 3 items × 5 (not ranked)"))
        }
    }

    @Test func cachedPagesChangeWhenTheDataTheyShowChanges() async throws {
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers())
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            let pages = PageSeed(client: client, env: env)
            try await pages.importDataset("gsm8k", EvaluationFixture.gsm8k)
            let first = try await pages.page("/")
            #expect(try await pages.page("/") == first)
            let hits = env.services.pageCache.counts.hits
            #expect(hits >= 1, "the second request was served from the cache")
            let before = env.services.generation.current
            let checkpoint = try await pages.register("late", port: port)
            #expect(env.services.generation.current > before)
            _ = try await pages.evaluate(checkpoint, benchmarks: ["gsm8k"])
            #expect(try await pages.page("/").contains(">late</a>"))
            #expect(try await pages.page("/benchmarks/gsm8k").contains(">late</a>"))
            let json = try await client.execute(uri: "/api/v1/leaderboard", method: .get)
            #expect(String(buffer: json.body).contains(#""name":"late""#))
        }
    }

    @Test func onlyWritesThePagesShowBumpTheGeneration() throws {
        let generation = env.services.generation
        let database = env.services.database
        let before = generation.current
        try database.writer.write { db in
            try db.execute(sql: "INSERT INTO search_cache (backend, query, top_k, results, created_at) VALUES ('x', 'q', 1, '[]', '')")
        }
        #expect(generation.current == before, "search_cache is not shown on any page")
        try database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO reported_result (name, source_url, created_at) VALUES ('r', 'https://example.org', '')
                """)
        }
        #expect(generation.current == before + 1)
        _ = try? database.writer.write { db in
            try db.execute(sql: "INSERT INTO reported_result (name, source_url, created_at) VALUES ('r', 'https://e', '')")
            throw DatabaseError(message: "rolled back")
        }
        #expect(generation.current == before + 1, "a rolled-back write changes nothing")
    }

    @Test func writesByAnotherProcessAreNoticed() async throws {
        let generation = env.services.generation
        try await generation.checkForExternalWrites(in: env.services.database)
        let before = generation.current
        try await generation.checkForExternalWrites(in: env.services.database)
        #expect(generation.current == before, "nothing changed")
        // Another connection to the same file, as `aepo datasets import --data-dir` would open.
        let other = try AppDatabase.open(directory: env.directory)
        try await other.writer.write { db in
            try db.execute(sql: "INSERT INTO reported_result (name, source_url, created_at) VALUES ('r', 'https://e', '')")
        }
        #expect(generation.current == before, "the observer sees only this process's writes")
        try await generation.checkForExternalWrites(in: env.services.database)
        #expect(generation.current == before + 1)
    }
}
