import Foundation
import GRDB

/// A sample with the question and gold answers of its dataset item.
package struct SampleDetail: Sendable {
    package var sample: SampleView
    /// nil when the dataset item is gone (it never is: versions are kept).
    package var question: String?
    package var answers: [String]
}

/// One finished result of a checkpoint, with the kind of data it is on.
package struct CheckpointResult: Sendable {
    package var result: RankedResult
    package var source: DataSource?
    /// Items in the dataset version; more than `result.items` for a `limit` run.
    package var datasetItems: Int?
}

/// Read-only queries only the HTML pages need.
package struct PageStore: Sendable {
    package let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    /// Sample filters of the evaluation page.
    package struct SampleFilter: Sendable, Equatable {
        package var benchmark: String?
        /// `correct`, `incorrect` or `no_answer`.
        package var verdict: String?

        package init(benchmark: String? = nil, verdict: String? = nil) {
            self.benchmark = benchmark
            self.verdict = verdict
        }
    }

    /// A page of an evaluation's samples in reading order (benchmark, item
    /// in file order, repeat) with their questions and gold answers.
    package func samples(evaluation id: Int64, filter: SampleFilter, limit: Int, offset: Int) async throws -> (samples: [SampleDetail], total: Int) {
        try await database.writer.read { db in
            var conditions = "s.evaluation_id = ?"
            var arguments: StatementArguments = [id]
            if let benchmark = filter.benchmark {
                conditions += " AND s.benchmark = ?"
                arguments += [benchmark]
            }
            if let verdict = filter.verdict {
                conditions += " AND s.verdict = ?"
                arguments += [verdict]
            }
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sample s WHERE \(conditions)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT s.*, i.question, i.answers FROM sample s
                    JOIN evaluation_benchmark b ON b.evaluation_id = s.evaluation_id AND b.benchmark = s.benchmark
                    LEFT JOIN dataset_item i ON i.benchmark = s.benchmark AND i.sha256 = b.dataset_sha256 AND i.item_id = s.item_id
                    WHERE \(conditions)
                    ORDER BY b.position, i.position, s.item_id, s.repeat LIMIT ? OFFSET ?
                    """, arguments: arguments + [limit, offset])
            let decoder = JSONDecoder()
            let samples = rows.map { row in
                let answers = (row["answers"] as String?).flatMap { try? decoder.decode([String].self, from: Data($0.utf8)) }
                return SampleDetail(sample: Self.sample(from: row), question: row["question"], answers: answers ?? [])
            }
            return (samples, total)
        }
    }

    /// Every stored result of a checkpoint's finished evaluations, newest first.
    package func results(checkpoint id: Int64) async throws -> [CheckpointResult] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT \(LeaderboardStore.resultColumns), v.source AS source, v.item_count AS dataset_items
                    FROM evaluation_result r
                    JOIN evaluation e ON e.id = r.evaluation_id AND e.status = 'finished'
                    JOIN checkpoint c ON c.id = e.checkpoint_id
                    LEFT JOIN dataset_version v ON v.benchmark = r.benchmark AND v.sha256 = r.dataset_sha256
                    WHERE e.checkpoint_id = ?
                    ORDER BY e.finished_at DESC, e.id DESC
                    """, arguments: [id]
            ).map { row in
                CheckpointResult(
                    result: LeaderboardStore.result(from: row),
                    source: (row["source"] as String?).flatMap(DataSource.init(rawValue:)), datasetItems: row["dataset_items"])
            }
        }
    }

    /// The kind of data (sample or imported) of each dataset an evaluation is pinned to.
    package func sources(evaluation id: Int64) async throws -> [String: DataSource] {
        try await database.writer.read { db in
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT b.benchmark, v.source FROM evaluation_benchmark b
                    JOIN dataset_version v ON v.benchmark = b.benchmark AND v.sha256 = b.dataset_sha256
                    WHERE b.evaluation_id = ?
                    """, arguments: [id])
            var sources: [String: DataSource] = [:]
            for row in rows { sources[row["benchmark"]] = DataSource(rawValue: row["source"]) }
            return sources
        }
    }

    private static func sample(from row: Row) -> SampleView {
        SampleView(
            benchmark: row["benchmark"], item: row["item_id"], repeat: row["repeat"],
            seed: UInt64(bitPattern: row["seed"] as Int64), prediction: row["prediction"], correct: row["correct"],
            score: row["score"], verdict: row["verdict"], metric: row["metric"], finishReason: row["finish_reason"],
            searchCalls: row["search_calls"], pythonCalls: row["python_calls"], modelCalls: row["model_calls"],
            latencyMS: row["latency_ms"], trajectory: row["trajectory"], error: row["error"], judgeError: row["judge_error"])
    }
}
