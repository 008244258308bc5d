import Benchmarks
import Foundation
import GRDB

/// One benchmark's scores in an evaluation, from its sample rows.
package struct BenchmarkScores: Sendable, Equatable {
    package var items: Int
    package var passAt1: Double?
    package var passAt5: Double?
    package var interval: BootstrapInterval.Interval?
    package var metric: String
    /// Samples that failed (scored incorrect).
    package var errors = 0
    /// Samples the rule check decided because the judge failed.
    package var judgeFallbacks = 0
}

/// What one benchmark's result row is computed from, read in one transaction.
package struct BenchmarkTally: Sendable, Equatable {
    package var benchmark: String
    package var datasetSHA256: String
    /// n, the samples per item.
    package var samples: Int
    /// Per item with all n samples written: its sample and correct counts.
    package var counts: [ItemTally]
    package var metric: String
    /// Samples that failed (scored incorrect), over all the benchmark's samples.
    package var errors = 0
    /// Samples the rule check decided because the judge failed.
    package var judgeFallbacks = 0

    package struct ItemTally: Sendable, Equatable {
        package var n: Int
        package var c: Int
    }

    /// Pass@1, Pass@5 (when n >= 5) and, when asked, a 95% bootstrap
    /// interval for Pass@1. Pure: run it outside any transaction.
    package func scores(withInterval: Bool) -> BenchmarkScores {
        let pairs = counts.map { (n: $0.n, c: $0.c) }
        return BenchmarkScores(
            items: counts.count,
            passAt1: counts.isEmpty ? nil : try? PassAtK.mean(pairs, k: 1),
            passAt5: counts.isEmpty || samples < 5 ? nil : try? PassAtK.mean(pairs, k: 5),
            interval: withInterval ? BootstrapInterval.mean(of: counts.map { Double($0.c) / Double($0.n) }) : nil,
            metric: metric, errors: errors, judgeFallbacks: judgeFallbacks)
    }
}

extension EvaluationStore {
    /// The tallies of every benchmark of evaluation `id`, in plan order, and
    /// how many samples they were read from (to notice a later write).
    package static func tallies(evaluation id: Int64, in db: Database) throws -> (tallies: [BenchmarkTally], samples: Int) {
        guard let configText = try String.fetchOne(db, sql: "SELECT config FROM evaluation WHERE id = ?", arguments: [id]) else {
            throw EvaluationStoreError.notFound(id)
        }
        let config = try JSONDecoder().decode(EvaluationConfig.self, from: Data(configText.utf8))
        let benchmarks = try Row.fetchAll(
            db, sql: "SELECT benchmark, dataset_sha256 FROM evaluation_benchmark WHERE evaluation_id = ? ORDER BY position",
            arguments: [id])
        let tallies = try benchmarks.map { row in
            let name: String = row["benchmark"]
            let counts = try Row.fetchAll(
                db, sql: """
                    SELECT COUNT(*) AS n, SUM(correct) AS c FROM sample WHERE evaluation_id = ? AND benchmark = ?
                    GROUP BY item_id HAVING COUNT(*) >= ? ORDER BY item_id
                    """, arguments: [id, name, config.samples]
            ).map { BenchmarkTally.ItemTally(n: $0["n"], c: $0["c"]) }
            // The metric most samples were scored with, else the scoring family.
            let metric = try String.fetchOne(
                db, sql: """
                    SELECT metric FROM sample WHERE evaluation_id = ? AND benchmark = ?
                    GROUP BY metric ORDER BY COUNT(*) DESC, metric LIMIT 1
                    """, arguments: [id, name]) ?? ((try? BenchmarkDirectory.spec(named: name))?.scoring.rawValue ?? "")
            let failures = try Row.fetchOne(
                db, sql: """
                    SELECT COUNT(error) AS errors, COUNT(judge_error) AS fallbacks FROM sample
                    WHERE evaluation_id = ? AND benchmark = ?
                    """, arguments: [id, name])
            return BenchmarkTally(
                benchmark: name, datasetSHA256: row["dataset_sha256"], samples: config.samples, counts: counts, metric: metric,
                errors: failures?["errors"] ?? 0, judgeFallbacks: failures?["fallbacks"] ?? 0)
        }
        return (tallies, try sampleCount(evaluation: id, in: db))
    }

    package static func sampleCount(evaluation id: Int64, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sample WHERE evaluation_id = ?", arguments: [id]) ?? 0
    }

    /// Reads the tallies of `id` and computes its scores with intervals, all
    /// outside the write transaction the rows go into.
    package func computeResults(of id: Int64) async throws -> ComputedResults {
        let (tallies, samples) = try await database.writer.read { db in try Self.tallies(evaluation: id, in: db) }
        return ComputedResults(tallies: tallies, scores: tallies.map { $0.scores(withInterval: true) }, samples: samples)
    }

    /// Writes the `evaluation_result` rows of evaluation `id` (replacing
    /// any). Should a sample have been written since `computed` was read,
    /// the rows are computed again here so that they match the samples.
    package static func writeResults(evaluation id: Int64, _ computed: ComputedResults, in db: Database) throws {
        var computed = computed
        if try sampleCount(evaluation: id, in: db) != computed.samples {
            let (tallies, samples) = try tallies(evaluation: id, in: db)
            computed = ComputedResults(tallies: tallies, scores: tallies.map { $0.scores(withInterval: true) }, samples: samples)
        }
        try db.execute(sql: "DELETE FROM evaluation_result WHERE evaluation_id = ?", arguments: [id])
        let now = Timestamp.now()
        for (tally, scores) in zip(computed.tallies, computed.scores) {
            try db.execute(
                sql: """
                    INSERT INTO evaluation_result (evaluation_id, benchmark, dataset_sha256, items, samples, pass_at_1,
                        pass_at_5, ci_low, ci_high, metric, created_at, errors, judge_fallbacks)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, tally.benchmark, tally.datasetSHA256, scores.items, tally.samples, scores.passAt1,
                    scores.passAt5, scores.interval?.low, scores.interval?.high, scores.metric, now, scores.errors,
                    scores.judgeFallbacks,
                ])
        }
    }

    /// Writes the result rows of finished evaluations that have none: those
    /// finished before the `evaluation_result` table existed. Returns how many.
    @discardableResult
    package func backfillResults() async throws -> Int {
        let ids = try await database.writer.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT id FROM evaluation WHERE status = 'finished'
                AND NOT EXISTS (SELECT 1 FROM evaluation_result r WHERE r.evaluation_id = evaluation.id)
                """)
        }
        for id in ids {
            let computed = try await computeResults(of: id)
            try await database.writer.write { db in try Self.writeResults(evaluation: id, computed, in: db) }
        }
        return ids.count
    }

    /// The stored result rows of one evaluation, by benchmark.
    package func storedResults(_ id: Int64) async throws -> [String: BenchmarkScores] {
        try await database.writer.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM evaluation_result WHERE evaluation_id = ?", arguments: [id])
            var results: [String: BenchmarkScores] = [:]
            for row in rows {
                let low: Double? = row["ci_low"]
                let high: Double? = row["ci_high"]
                results[row["benchmark"]] = BenchmarkScores(
                    items: row["items"], passAt1: row["pass_at_1"], passAt5: row["pass_at_5"],
                    interval: low.flatMap { low in high.map { .init(low: low, high: $0) } }, metric: row["metric"],
                    errors: row["errors"], judgeFallbacks: row["judge_fallbacks"])
            }
            return results
        }
    }
}

/// An evaluation's result rows, computed before the transaction that writes them.
package struct ComputedResults: Sendable {
    package var tallies: [BenchmarkTally]
    package var scores: [BenchmarkScores]
    /// The sample count the tallies were read at.
    package var samples: Int
}
