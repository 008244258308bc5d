import Benchmarks
import Foundation
import GRDB

/// One event of a job: `status`, `metric` (a verl file-logger line),
/// `log` (a line the process printed) or `end`.
package struct JobEvent: Codable, Sendable, Equatable {
    package enum Kind: String, Codable, Sendable { case status, metric, log, end }

    package var seq: Int64
    package var kind: Kind
    /// JSON text.
    package var data: String
}

package enum TrainingStoreError: Error, Equatable {
    case notFound(Int64)
}

/// Training jobs and their event logs.
package struct TrainingStore: Sendable {
    package let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    package struct Job: Sendable, Equatable {
        package var id: Int64
        package var kind: String
        package var template: String?
        package var config: String
        package var status: JobStatus
        package var error: String?
        package var pid: Int32?
        /// The job's process as it was started, to recognise it after a restart.
        package var process: ProcessIdentity?
        /// The GPUs it holds while it runs (nil: none managed).
        package var gpus: [Int]?
        package var checkpointID: Int64?
        package var evaluationID: Int64?
        package var latest: String?
        package var createdAt: String
        package var startedAt: String?
        package var finishedAt: String?
    }

    /// Creates a pending job in one transaction: its row, its stored
    /// configuration with the launch for its working directory
    /// (`jobsDirectory/<id>`, known only once the row exists) and its first
    /// event. A crash leaves either all of it or nothing.
    /// - Returns: the job's id and its launch.
    package func createJob(
        kind: String, template: String?, request: [String: JSONValue], jobsDirectory: URL,
        launch: @escaping @Sendable (_ workdir: String) -> TrainingLaunch
    ) async throws -> (id: Int64, launch: TrainingLaunch) {
        try await database.writer.write { db in
            try db.execute(
                sql: "INSERT INTO training_job (kind, template, config, status, created_at) VALUES (?, ?, '{}', 'pending', ?)",
                arguments: [kind, template, Timestamp.now()])
            let id = db.lastInsertedRowID
            let stored = StoredTrainingConfig(
                request: request, launch: launch(jobsDirectory.appendingPathComponent("\(id)").path))
            let config = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
            try db.execute(sql: "UPDATE training_job SET config = ? WHERE id = ?", arguments: [config, id])
            try db.execute(
                sql: "INSERT INTO training_event (job_id, seq, type, data, created_at) VALUES (?, 1, 'status', ?, ?)",
                arguments: [id, #"{"status":"pending"}"#, Timestamp.now()])
            return (id, stored.launch)
        }
    }

    package func create(kind: String, template: String?, config: String) async throws -> Int64 {
        try await database.writer.write { db in
            try db.execute(
                sql: "INSERT INTO training_job (kind, template, config, status, created_at) VALUES (?, ?, ?, 'pending', ?)",
                arguments: [kind, template, config, Timestamp.now()])
            return db.lastInsertedRowID
        }
    }

    package func job(_ id: Int64) async throws -> Job {
        try await database.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM training_job WHERE id = ?", arguments: [id]) else {
                throw TrainingStoreError.notFound(id)
            }
            return Self.job(from: row)
        }
    }

    package func list(limit: Int, before: Int64?) async throws -> (jobs: [Job], next: Int64?) {
        try await database.writer.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM training_job WHERE id < ? ORDER BY id DESC LIMIT ?",
                arguments: [before ?? Int64.max, limit + 1])
            let page = rows.prefix(limit).map(Self.job(from:))
            return (Array(page), rows.count > limit ? page.last?.id : nil)
        }
    }

    /// Jobs that were pending or running when the server last stopped.
    package func unfinished() async throws -> [Job] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM training_job WHERE status IN ('pending', 'running') ORDER BY id")
                .map(Self.job(from:))
        }
    }

    /// Appends an event with the job's next sequence number, at once.
    @discardableResult
    package func append(job id: Int64, kind: JobEvent.Kind, data: String) async throws -> JobEvent {
        try await database.writer.write { db in
            let seq = (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM training_event WHERE job_id = ?", arguments: [id]) ?? 0) + 1
            try db.execute(
                sql: "INSERT INTO training_event (job_id, seq, type, data, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, seq, kind.rawValue, data, Timestamp.now()])
            if kind == .metric {
                try db.execute(sql: "UPDATE training_job SET latest = ? WHERE id = ?", arguments: [data, id])
            }
            return JobEvent(seq: seq, kind: kind, data: data)
        }
    }

    /// Events after `seq`, in order, at most `limit`.
    package func events(job id: Int64, after seq: Int64, limit: Int) async throws -> [JobEvent] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, type, data FROM training_event WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [id, seq, limit]
            ).map { JobEvent(seq: $0["seq"], kind: JobEvent.Kind(rawValue: $0["type"]) ?? .log, data: $0["data"]) }
        }
    }

    /// Moves a job to `status` (terminal states are final) and records its
    /// process, its GPUs, `error`, times. Returns whether the job changed.
    @discardableResult
    package func setStatus(
        _ id: Int64, _ status: JobStatus, error: String? = nil, process: ProcessIdentity? = nil, gpus: [Int]? = nil
    ) async throws -> Bool {
        let devices: String? = gpus.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }
        return try await database.writer.write { db in
            let now = Timestamp.now()
            switch status {
            case .running:
                try db.execute(
                    sql: """
                        UPDATE training_job SET status = 'running', pid = ?, pid_start_time = ?, boot_id = ?, gpus = ?,
                            started_at = COALESCE(started_at, ?) WHERE id = ? AND status = 'pending'
                        """,
                    arguments: [process?.pid, process.map { Int64(bitPattern: $0.startTime) }, process?.bootID, devices, now, id])
            case .pending:
                try db.execute(sql: "UPDATE training_job SET status = 'pending' WHERE id = ? AND status = 'running'", arguments: [id])
            case .finished, .failed, .cancelled, .interrupted:
                try db.execute(
                    sql: "UPDATE training_job SET status = ?, error = ?, finished_at = ? WHERE id = ? AND status IN ('pending', 'running')",
                    arguments: [status.rawValue, error, now, id])
            }
            return db.changesCount > 0
        }
    }

    package func setResult(_ id: Int64, checkpointID: Int64?, evaluationID: Int64?) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: "UPDATE training_job SET checkpoint_id = COALESCE(?, checkpoint_id), evaluation_id = COALESCE(?, evaluation_id) WHERE id = ?",
                arguments: [checkpointID, evaluationID, id])
        }
    }

    private static func processIdentity(from row: Row) -> ProcessIdentity? {
        guard let pid: Int32 = row["pid"], let start: Int64 = row["pid_start_time"], let boot: String = row["boot_id"] else {
            return nil
        }
        return ProcessIdentity(pid: pid, startTime: UInt64(bitPattern: start), bootID: boot)
    }

    package static func job(from row: Row) -> Job {
        Job(
            id: row["id"], kind: row["kind"], template: row["template"], config: row["config"],
            status: JobStatus(rawValue: row["status"]) ?? .failed, error: row["error"], pid: row["pid"],
            process: processIdentity(from: row),
            gpus: (row["gpus"] as String?).flatMap { try? JSONDecoder().decode([Int].self, from: Data($0.utf8)) },
            checkpointID: row["checkpoint_id"], evaluationID: row["evaluation_id"], latest: row["latest"],
            createdAt: row["created_at"], startedAt: row["started_at"], finishedAt: row["finished_at"])
    }
}

extension TrainingStore {
    /// The latest job whose final checkpoint is `checkpoint`, if any.
    package func job(producing checkpoint: Int64) async throws -> Job? {
        try await database.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM training_job WHERE checkpoint_id = ? ORDER BY id DESC LIMIT 1", arguments: [checkpoint]
            ).map(Self.job(from:))
        }
    }
}
