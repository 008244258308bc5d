import Benchmarks
import Foundation
import GRDB

extension EvaluationStore {
    /// One evaluation with its progress and per-benchmark Pass@1 / Pass@5.
    package func view(_ id: Int64) async throws -> EvaluationView {
        guard let view = try await views([id]).first else { throw EvaluationStoreError.notFound(id) }
        return view
    }

    /// The views of `ids`, in that order, skipping ids that do not exist.
    /// One read transaction and five queries, however many ids.
    package func views(_ ids: [Int64]) async throws -> [EvaluationView] {
        guard !ids.isEmpty else { return [] }
        return try await database.writer.read { db in
            let list = ids.map(String.init).joined(separator: ",")
            let rows = try Row.fetchAll(db, sql: """
                SELECT e.*, c.name AS checkpoint_name FROM evaluation e JOIN checkpoint c ON c.id = e.checkpoint_id
                WHERE e.id IN (\(list))
                """)
            let decoder = JSONDecoder()
            var configs: [Int64: EvaluationConfig] = [:]
            for row in rows {
                configs[row["id"]] = try decoder.decode(EvaluationConfig.self, from: Data((row["config"] as String).utf8))
            }
            let results = try Self.results(of: list, configs: configs, in: db)
            let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as Int64, $0) })
            return ids.compactMap { id -> EvaluationView? in
                guard let row = byID[id], let config = configs[id] else { return nil }
                return EvaluationView(
                    id: id, checkpoint: .init(id: row["checkpoint_id"], name: row["checkpoint_name"]),
                    status: JobStatus(rawValue: row["status"]) ?? .failed, error: row["error"], config: config,
                    concurrency: row["concurrency"], progress: .init(done: row["done"], total: row["total"]),
                    results: results[id] ?? [],
                    createdAt: row["created_at"], startedAt: row["started_at"], finishedAt: row["finished_at"],
                    protocol: row["protocol"])
            }
        }
    }

    /// Evaluations newest first, optionally of one checkpoint.
    package func list(checkpointID: Int64?, limit: Int, before: Int64?) async throws -> (ids: [Int64], next: Int64?) {
        try await database.writer.read { db in
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
    package func samples(_ id: Int64, benchmark: String?, limit: Int, after: Int64?) async throws -> (samples: [SampleView], next: Int64?) {
        try await database.writer.read { db in
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
                    latencyMS: row["latency_ms"], trajectory: row["trajectory"], error: row["error"], judgeError: row["judge_error"])
            }
            return (views, rows.count > limit ? page.last.map { $0["rowid"] } : nil)
        }
    }

    /// Pass@k per benchmark of the evaluations in `list` (comma-separated
    /// ids), over the items with all n samples, from three grouped queries.
    private static func results(
        of list: String, configs: [Int64: EvaluationConfig], in db: Database
    ) throws -> [Int64: [EvaluationView.BenchmarkResult]] {
        struct Key: Hashable {
            var evaluation: Int64
            var benchmark: String
        }
        var counts: [Key: [(n: Int, c: Int)]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT evaluation_id, benchmark, COUNT(*) AS n, SUM(correct) AS c FROM sample
            WHERE evaluation_id IN (\(list)) GROUP BY evaluation_id, benchmark, item_id
            """)
        {
            let key = Key(evaluation: row["evaluation_id"], benchmark: row["benchmark"])
            let samples = configs[key.evaluation]?.samples ?? 1
            let n: Int = row["n"]
            guard n >= samples else { continue }
            counts[key, default: []].append((n: n, c: row["c"]))
        }
        // The metric most samples were scored with; ties go to the first name.
        var metrics: [Key: (metric: String, count: Int)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT evaluation_id, benchmark, metric, COUNT(*) AS n FROM sample
            WHERE evaluation_id IN (\(list)) GROUP BY evaluation_id, benchmark, metric ORDER BY metric
            """)
        {
            let key = Key(evaluation: row["evaluation_id"], benchmark: row["benchmark"])
            let count: Int = row["n"]
            if count > metrics[key]?.count ?? 0 { metrics[key] = (row["metric"], count) }
        }
        var failures: [Key: (errors: Int, fallbacks: Int)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT evaluation_id, benchmark, COUNT(error) AS errors, COUNT(judge_error) AS fallbacks FROM sample
            WHERE evaluation_id IN (\(list)) AND (error IS NOT NULL OR judge_error IS NOT NULL)
            GROUP BY evaluation_id, benchmark
            """)
        {
            failures[Key(evaluation: row["evaluation_id"], benchmark: row["benchmark"])] = (row["errors"], row["fallbacks"])
        }
        var results: [Int64: [EvaluationView.BenchmarkResult]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT evaluation_id, benchmark, dataset_sha256, items FROM evaluation_benchmark
            WHERE evaluation_id IN (\(list)) ORDER BY evaluation_id, position
            """)
        {
            let key = Key(evaluation: row["evaluation_id"], benchmark: row["benchmark"])
            let n = configs[key.evaluation]?.samples ?? 1
            let itemCounts = counts[key] ?? []
            let metric = metrics[key]?.metric ?? ((try? BenchmarkDirectory.spec(named: key.benchmark))?.scoring.rawValue ?? "")
            results[key.evaluation, default: []].append(EvaluationView.BenchmarkResult(
                benchmark: key.benchmark, items: row["items"], itemsDone: itemCounts.count, samples: n,
                passAt1: itemCounts.isEmpty ? nil : try? PassAtK.mean(itemCounts, k: 1),
                passAt5: itemCounts.isEmpty || n < 5 ? nil : try? PassAtK.mean(itemCounts, k: 5),
                metric: metric, datasetSHA256: row["dataset_sha256"], errors: failures[key]?.errors ?? 0,
                judgeFallbacks: failures[key]?.fallbacks ?? 0))
        }
        return results
    }
}
