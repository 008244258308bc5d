import Benchmarks
import Foundation
import GRDB

/// Why an evaluation operation was refused.
package enum EvaluationStoreError: Error, Equatable {
    case notFound(Int64)
}

/// Identifies a sample within an evaluation.
package struct SampleKey: Hashable, Sendable {
    package var benchmark: String
    package var item: String
    package var `repeat`: Int
}

/// Evaluations, their pinned benchmarks and their samples.
package struct EvaluationStore: Sendable {
    package let database: AppDatabase
    /// Where status and progress events go once their transaction commits.
    package let events: EventHub?
    /// Finished samples, committed in groups (``SampleBatcher``).
    private let samples: SampleBatcher<SampleRow>

    package init(database: AppDatabase, events: EventHub? = nil) {
        self.database = database
        self.events = events
        samples = SampleBatcher { rows in try await Self.write(rows, to: database, events: events) }
    }

    /// The existing evaluation of this checkpoint and configuration, or a new
    /// pending one. A failed or cancelled one is queued again (`requeued`):
    /// its finished samples stay and are not redone.
    package func findOrCreate(
        checkpointID: Int64, config: EvaluationConfig, concurrency: Int, itemCounts: [String: Int]
    ) async throws -> (id: Int64, created: Bool, requeued: Bool) {
        let canonical = try config.canonical()
        return try await database.writer.write { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT id, status FROM evaluation WHERE checkpoint_id = ? AND config_sha256 = ?",
                arguments: [checkpointID, canonical.sha256])
            {
                let id: Int64 = row["id"]
                let status = JobStatus(rawValue: row["status"]) ?? .failed
                guard status == .failed || status == .cancelled else { return (id, false, false) }
                // A failed evaluation is retried: its errored samples are
                // redone (the others stay, and are not redone).
                if status == .failed {
                    try db.execute(sql: "DELETE FROM sample WHERE evaluation_id = ? AND error IS NOT NULL", arguments: [id])
                }
                try db.execute(
                    sql: "UPDATE evaluation SET status = 'pending', error = NULL, finished_at = NULL, concurrency = ? WHERE id = ?",
                    arguments: [concurrency, id])
                return (id, false, true)
            }
            let total = config.benchmarks.reduce(0) { $0 + (itemCounts[$1] ?? 0) * config.samples }
            try db.execute(
                sql: """
                    INSERT INTO evaluation (checkpoint_id, config, config_sha256, concurrency, status, total, created_at, protocol)
                    VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)
                    """,
                arguments: [checkpointID, canonical.json, canonical.sha256, concurrency, total, Timestamp.now(), config.protocol])
            let id = db.lastInsertedRowID
            for (position, benchmark) in config.benchmarks.enumerated() {
                try db.execute(
                    sql: "INSERT INTO evaluation_benchmark (evaluation_id, position, benchmark, dataset_sha256, items) VALUES (?, ?, ?, ?, ?)",
                    arguments: [id, position, benchmark, config.datasets[benchmark] ?? "", itemCounts[benchmark] ?? 0])
            }
            return (id, true, false)
        }
    }

    /// The stored configuration, checkpoint id and status of an evaluation.
    package func job(_ id: Int64) async throws -> (config: EvaluationConfig, checkpointID: Int64, concurrency: Int, status: JobStatus) {
        try await database.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM evaluation WHERE id = ?", arguments: [id]) else {
                throw EvaluationStoreError.notFound(id)
            }
            let config = try JSONDecoder().decode(EvaluationConfig.self, from: Data((row["config"] as String).utf8))
            return (config, row["checkpoint_id"], row["concurrency"], JobStatus(rawValue: row["status"]) ?? .failed)
        }
    }

    /// Evaluations a (re)started server must run, oldest first.
    package func unfinished() async throws -> [Int64] {
        try await database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM evaluation WHERE status IN ('pending', 'running') ORDER BY id")
        }
    }

    /// Moves an evaluation to `status`, stamping start and end times; moving
    /// to `finished` also writes its `evaluation_result` rows. A terminal
    /// status is never left except by ``findOrCreate``.
    @discardableResult
    package func setStatus(_ id: Int64, _ status: JobStatus, error: String? = nil) async throws -> Bool {
        // The bootstrap intervals take a while on big runs: computed first,
        // so that the write transaction below stays short.
        let computed = status == .finished ? try await computeResults(of: id) : nil
        let changed = try await database.writer.write { db in
            let now = Timestamp.now()
            switch status {
            case .running:
                try db.execute(
                    sql: "UPDATE evaluation SET status = 'running', started_at = COALESCE(started_at, ?) WHERE id = ? AND status = 'pending'",
                    arguments: [now, id])
            case .pending:
                try db.execute(sql: "UPDATE evaluation SET status = 'pending' WHERE id = ? AND status = 'running'", arguments: [id])
            case .finished, .failed, .cancelled, .interrupted:
                try db.execute(
                    sql: "UPDATE evaluation SET status = ?, error = ?, finished_at = ? WHERE id = ? AND status IN ('pending', 'running')",
                    arguments: [status == .interrupted ? JobStatus.failed.rawValue : status.rawValue, error, now, id])
                // The leaderboard's rows are written in the same transaction.
                if let computed, db.changesCount > 0 {
                    try Self.writeResults(evaluation: id, computed, in: db)
                    return true
                }
            }
            return db.changesCount > 0
        }
        if changed, let events { try await publishStatus(of: id, to: events) }
        return changed
    }

    /// Publishes the evaluation's state as a `status` event, and `end` (with
    /// the results) when it is over.
    private func publishStatus(of id: Int64, to events: EventHub) async throws {
        let view = try await self.view(id)
        for event in EvaluationEventFormat.events(for: view) { events.publish(event, on: .evaluation(id)) }
        if view.status.isTerminal { events.close(.evaluation(id)) }
    }

    /// Keys of the samples already written.
    package func doneKeys(_ id: Int64) async throws -> Set<SampleKey> {
        try await database.writer.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT benchmark, item_id, repeat FROM sample WHERE evaluation_id = ?", arguments: [id])
            return Set(rows.map { SampleKey(benchmark: $0["benchmark"], item: $0["item_id"], repeat: $0["repeat"]) })
        }
    }

    /// Writes one finished sample; returns once it is committed (with the
    /// samples that finished meanwhile: ``SampleBatcher``). Writing the same
    /// key twice keeps the first: a sample is never duplicated.
    package func insertSample(evaluation id: Int64, key: SampleKey, seed: UInt64, outcome: SampleOutcome) async throws {
        try await samples.insert(SampleRow(evaluation: id, key: key, seed: seed, outcome: outcome, created: Timestamp.now()))
    }

    /// A finished sample waiting for its transaction.
    struct SampleRow: Sendable {
        var evaluation: Int64
        var key: SampleKey
        var seed: UInt64
        var outcome: SampleOutcome
        var created: String
    }

    /// Inserts `rows` in one transaction, then publishes each new row's
    /// progress (in order) once it is committed.
    private static func write(_ rows: [SampleRow], to database: AppDatabase, events: EventHub?) async throws {
        let progress = try await database.writer.write { db -> [(Int64, EvaluationView.Progress)] in
            var progress: [(Int64, EvaluationView.Progress)] = []
            // Compiled once per connection, not once per sample.
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO sample (evaluation_id, benchmark, item_id, repeat, seed, trajectory, prediction,
                        correct, score, verdict, metric, finish_reason, search_calls, python_calls, model_calls,
                        latency_ms, created_at, error, judge_error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let counts = try db.cachedStatement(sql: "SELECT done, total FROM evaluation WHERE id = ?")
            for row in rows {
                let outcome = row.outcome
                try insert.execute(
                    arguments: [
                        row.evaluation, row.key.benchmark, row.key.item, row.key.repeat, Int64(row.seed), outcome.trajectory,
                        outcome.prediction, outcome.correct ? 1 : 0, outcome.score, outcome.verdict, outcome.metric,
                        outcome.finishReason, outcome.searchCalls, outcome.pythonCalls, outcome.modelCalls,
                        outcome.latencyMilliseconds, row.created, outcome.error, outcome.judgeError,
                    ])
                guard db.changesCount > 0, let done = try Row.fetchOne(counts, arguments: [row.evaluation]) else { continue }
                progress.append((row.evaluation, EvaluationView.Progress(done: done["done"], total: done["total"])))
            }
            return progress
        }
        guard let events else { return }
        for (evaluation, value) in progress where events.hasSubscribers(.evaluation(evaluation)) {
            events.publish(EvaluationEventFormat.progress(value), on: .evaluation(evaluation))
        }
    }

    /// How many stored samples of evaluation `id` failed.
    package func errorCount(_ id: Int64) async throws -> Int {
        try await database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sample WHERE evaluation_id = ? AND error IS NOT NULL", arguments: [id]) ?? 0
        }
    }

    /// How many samples are written, of how many planned.
    package func progress(_ id: Int64) async throws -> EvaluationView.Progress {
        try await database.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT done, total FROM evaluation WHERE id = ?", arguments: [id]) else {
                return .init(done: 0, total: 0)
            }
            return .init(done: row["done"], total: row["total"])
        }
    }
}
