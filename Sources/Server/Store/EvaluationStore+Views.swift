import Benchmarks
import Foundation
import GRDB

extension EvaluationStore {
    /// One evaluation with its progress and per-benchmark Pass@1 / Pass@5.
    func view(_ id: Int64) throws -> EvaluationView {
        try database.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT e.*, c.name AS checkpoint_name FROM evaluation e JOIN checkpoint c ON c.id = e.checkpoint_id
                WHERE e.id = ?
                """, arguments: [id])
            else { throw EvaluationStoreError.notFound(id) }
            let config = try JSONDecoder().decode(EvaluationConfig.self, from: Data((row["config"] as String).utf8))
            let done = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sample WHERE evaluation_id = ?", arguments: [id]) ?? 0
            return EvaluationView(
                id: id, checkpoint: .init(id: row["checkpoint_id"], name: row["checkpoint_name"]),
                status: JobStatus(rawValue: row["status"]) ?? .failed, error: row["error"], config: config,
                concurrency: row["concurrency"], progress: .init(done: done, total: row["total"]),
                results: try results(of: id, samples: config.samples, in: db),
                createdAt: row["created_at"], startedAt: row["started_at"], finishedAt: row["finished_at"])
        }
    }

    /// Evaluations newest first, optionally of one checkpoint.
    func list(checkpointID: Int64?, limit: Int, before: Int64?) throws -> (ids: [Int64], next: Int64?) {
        try database.writer.read { db in
            var sql = "SELECT id FROM evaluation WHERE 1 = 1"
            var arguments: StatementArguments = []
            if let checkpointID {
                sql += " AND checkpoint_id = ?"
                arguments += [checkpointID]
            }
            if let before {
                sql += " AND id < ?"
                arguments += [before]
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [limit + 1]
            let ids = try Int64.fetchAll(db, sql: sql, arguments: arguments)
            let page = Array(ids.prefix(limit))
            return (page, ids.count > limit ? page.last : nil)
        }
    }

    /// A page of samples in the order they were written.
    func samples(_ id: Int64, benchmark: String?, limit: Int, after: Int64?) throws -> (samples: [SampleView], next: Int64?) {
        try database.writer.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM evaluation WHERE id = ?", arguments: [id]) == true else {
                throw EvaluationStoreError.notFound(id)
            }
            var sql = "SELECT rowid, * FROM sample WHERE evaluation_id = ?"
            var arguments: StatementArguments = [id]
            if let benchmark {
                sql += " AND benchmark = ?"
                arguments += [benchmark]
            }
            if let after {
                sql += " AND rowid > ?"
                arguments += [after]
            }
            sql += " ORDER BY rowid LIMIT ?"
            arguments += [limit + 1]
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            let page = rows.prefix(limit)
            let views = page.map { row in
                SampleView(
                    benchmark: row["benchmark"], item: row["item_id"], repeat: row["repeat"],
                    seed: UInt64(row["seed"] as Int64), prediction: row["prediction"], correct: row["correct"],
                    score: row["score"], verdict: row["verdict"], metric: row["metric"], finishReason: row["finish_reason"],
                    searchCalls: row["search_calls"], pythonCalls: row["python_calls"], modelCalls: row["model_calls"],
                    latencyMS: row["latency_ms"], trajectory: row["trajectory"])
            }
            return (views, rows.count > limit ? page.last.map { $0["rowid"] } : nil)
        }
    }

    /// Pass@k per benchmark from the sample rows, over items with all n samples.
    private func results(of id: Int64, samples n: Int, in db: Database) throws -> [EvaluationView.BenchmarkResult] {
        let benchmarks = try Row.fetchAll(
            db, sql: "SELECT benchmark, dataset_sha256, items FROM evaluation_benchmark WHERE evaluation_id = ? ORDER BY position",
            arguments: [id])
        return try benchmarks.map { benchmark in
            let name: String = benchmark["benchmark"]
            let scores = try Self.scores(evaluation: id, benchmark: name, samples: n, withInterval: false, in: db)
            return EvaluationView.BenchmarkResult(
                benchmark: name, items: benchmark["items"], itemsDone: scores.items, samples: n,
                passAt1: scores.passAt1, passAt5: scores.passAt5, metric: scores.metric,
                datasetSHA256: benchmark["dataset_sha256"])
        }
    }
}
