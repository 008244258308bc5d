import Benchmarks
import Foundation
import GRDB

/// One benchmark's scores in an evaluation, from its sample rows.
struct BenchmarkScores: Sendable, Equatable {
    var items: Int
    var passAt1: Double?
    var passAt5: Double?
    var interval: BootstrapInterval.Interval?
    var metric: String
}

extension EvaluationStore {
    /// Per item, its sample count and correct count, over the items whose
    /// `n` samples are all written, in item-id order.
    static func itemCounts(evaluation id: Int64, benchmark: String, samples n: Int, in db: Database) throws -> [(n: Int, c: Int)] {
        try Row.fetchAll(
            db, sql: """
                SELECT COUNT(*) AS n, SUM(correct) AS c FROM sample WHERE evaluation_id = ? AND benchmark = ?
                GROUP BY item_id HAVING COUNT(*) >= ? ORDER BY item_id
                """, arguments: [id, benchmark, n]
        ).map { (n: $0["n"] as Int, c: $0["c"] as Int) }
    }

    /// The metric most samples of a benchmark were scored with, else the
    /// benchmark's scoring family.
    static func metric(evaluation id: Int64, benchmark: String, in db: Database) throws -> String {
        try String.fetchOne(
            db, sql: "SELECT metric FROM sample WHERE evaluation_id = ? AND benchmark = ? GROUP BY metric ORDER BY COUNT(*) DESC LIMIT 1",
            arguments: [id, benchmark]) ?? ((try? BenchmarkDirectory.spec(named: benchmark))?.scoring.rawValue ?? "")
    }

    /// Pass@1, Pass@5 (when n >= 5) and a 95% bootstrap interval for Pass@1.
    static func scores(
        evaluation id: Int64, benchmark: String, samples n: Int, withInterval: Bool, in db: Database
    ) throws -> BenchmarkScores {
        let counts = try itemCounts(evaluation: id, benchmark: benchmark, samples: n, in: db)
        let interval = withInterval
            ? BootstrapInterval.mean(of: counts.map { Double($0.c) / Double($0.n) }) : nil
        return BenchmarkScores(
            items: counts.count,
            passAt1: counts.isEmpty ? nil : try? PassAtK.mean(counts, k: 1),
            passAt5: counts.isEmpty || n < 5 ? nil : try? PassAtK.mean(counts, k: 5),
            interval: interval, metric: try metric(evaluation: id, benchmark: benchmark, in: db))
    }

    /// Writes the `evaluation_result` rows of evaluation `id` (replacing any).
    static func writeResults(evaluation id: Int64, in db: Database) throws {
        guard let configText = try String.fetchOne(db, sql: "SELECT config FROM evaluation WHERE id = ?", arguments: [id]) else {
            throw EvaluationStoreError.notFound(id)
        }
        let config = try JSONDecoder().decode(EvaluationConfig.self, from: Data(configText.utf8))
        let benchmarks = try Row.fetchAll(
            db, sql: "SELECT benchmark, dataset_sha256 FROM evaluation_benchmark WHERE evaluation_id = ? ORDER BY position",
            arguments: [id])
        try db.execute(sql: "DELETE FROM evaluation_result WHERE evaluation_id = ?", arguments: [id])
        let now = Timestamp.now()
        for row in benchmarks {
            let name: String = row["benchmark"]
            let scores = try scores(evaluation: id, benchmark: name, samples: config.samples, withInterval: true, in: db)
            try db.execute(
                sql: """
                    INSERT INTO evaluation_result (evaluation_id, benchmark, dataset_sha256, items, samples, pass_at_1,
                        pass_at_5, ci_low, ci_high, metric, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, name, row["dataset_sha256"] as String, scores.items, config.samples, scores.passAt1,
                    scores.passAt5, scores.interval?.low, scores.interval?.high, scores.metric, now,
                ])
        }
    }

    /// Writes the result rows of finished evaluations that have none: those
    /// finished before the `evaluation_result` table existed. Returns how many.
    @discardableResult
    func backfillResults() throws -> Int {
        try database.writer.write { db in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM evaluation WHERE status = 'finished'
                AND NOT EXISTS (SELECT 1 FROM evaluation_result r WHERE r.evaluation_id = evaluation.id)
                """)
            for id in ids { try Self.writeResults(evaluation: id, in: db) }
            return ids.count
        }
    }

    /// The stored result rows of one evaluation, by benchmark.
    func storedResults(_ id: Int64) throws -> [String: BenchmarkScores] {
        try database.writer.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM evaluation_result WHERE evaluation_id = ?", arguments: [id])
            var results: [String: BenchmarkScores] = [:]
            for row in rows {
                let low: Double? = row["ci_low"]
                let high: Double? = row["ci_high"]
                results[row["benchmark"]] = BenchmarkScores(
                    items: row["items"], passAt1: row["pass_at_1"], passAt5: row["pass_at_5"],
                    interval: low.flatMap { low in high.map { .init(low: low, high: $0) } }, metric: row["metric"])
            }
            return results
        }
    }
}
