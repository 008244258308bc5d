import Foundation
import GRDB

extension TrainingStore {
    /// One event read from a job's files, before it has a sequence number.
    package struct Entry: Sendable, Equatable {
        package var kind: JobEvent.Kind
        package var data: String
        /// A metric's step: the event is skipped when the job has that step already.
        package var step: Int?
        /// Log lines stored right after the metric, only if it is stored.
        package var notes: [String] = []

        package init(kind: JobEvent.Kind, data: String, step: Int? = nil, notes: [String] = []) {
            self.kind = kind
            self.data = data
            self.step = step
            self.notes = notes
        }
    }

    /// Stores what was read from one of a job's files and how far it was
    /// read, in one transaction: after a crash either both are there or
    /// neither, so the file is read on from exactly where its events end.
    ///
    /// A metric whose step is stored already is skipped (a rewritten
    /// metrics file read again, or the console and file loggers both
    /// reporting it). Log events beyond `logLimit` bytes per job lose their
    /// oldest lines (the retention bound).
    /// - Returns: the events stored, in order.
    package func ingest(
        job id: Int64, entries: [Entry], source: String, position: OutputFile.Position, logLimit: Int64
    ) async throws -> [JobEvent] {
        try await database.writer.write { db in
            var seq = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM training_event WHERE job_id = ?", arguments: [id]) ?? 0
            var stored: [JobEvent] = []
            var logBytes = 0
            var latest: String?
            func insert(_ kind: JobEvent.Kind, _ data: String, step: Int?) throws {
                seq += 1
                try db.execute(
                    sql: "INSERT INTO training_event (job_id, seq, type, data, created_at, step) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [id, seq, kind.rawValue, data, Timestamp.now(), step])
                stored.append(JobEvent(seq: seq, kind: kind, data: data))
                if kind == .log { logBytes += data.utf8.count }
            }
            for entry in entries {
                if let step = entry.step {
                    let known = try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM training_event WHERE job_id = ? AND step = ?)", arguments: [id, step])
                    if known == true { continue }
                }
                try insert(entry.kind, entry.data, step: entry.step)
                if entry.kind == .metric { latest = entry.data }
                for note in entry.notes { try insert(.log, Self.logData(note), step: nil) }
            }
            try db.execute(
                sql: """
                    INSERT INTO training_source (job_id, name, bytes_read, head) VALUES (?, ?, ?, ?)
                    ON CONFLICT (job_id, name) DO UPDATE SET bytes_read = excluded.bytes_read, head = excluded.head
                    """,
                arguments: [id, source, position.offset, position.head])
            if let latest {
                try db.execute(sql: "UPDATE training_job SET latest = ? WHERE id = ?", arguments: [latest, id])
            }
            if logBytes > 0 { try Self.trimLogs(job: id, adding: logBytes, limit: logLimit, in: db) }
            return stored
        }
    }

    /// How far each of job `id`'s files has been read, by source name.
    package func positions(job id: Int64) async throws -> [String: OutputFile.Position] {
        try await database.writer.read { db in
            var positions: [String: OutputFile.Position] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, bytes_read, head FROM training_source WHERE job_id = ?", arguments: [id]) {
                positions[row["name"]] = OutputFile.Position(offset: row["bytes_read"], head: row["head"])
            }
            return positions
        }
    }

    /// The highest step of job `id`'s stored metrics.
    package func lastMetricStep(job id: Int64) async throws -> Int? {
        try await database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT MAX(step) FROM training_event WHERE job_id = ? AND step IS NOT NULL", arguments: [id])
        }
    }

    /// The text of job `id`'s last `count` log lines, oldest first.
    package func lastLogLines(job id: Int64, count: Int) async throws -> [String] {
        let rows = try await database.writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT data FROM training_event WHERE job_id = ? AND type = 'log' ORDER BY seq DESC LIMIT ?",
                arguments: [id, count])
        }
        return rows.reversed().compactMap { data in
            (try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])?["line"] as? String
        }
    }

    /// A log event's data: `{"line":...}`, the line cut at 2,000 characters.
    package static func logData(_ line: String) -> String {
        let object = ["line": String(line.prefix(2000))]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Adds `bytes` to the job's log total; past `limit`, deletes its
    /// oldest log events until a quarter of the limit is free again.
    private static func trimLogs(job id: Int64, adding bytes: Int, limit: Int64, in db: Database) throws {
        try db.execute(sql: "UPDATE training_job SET log_bytes = log_bytes + ? WHERE id = ?", arguments: [bytes, id])
        let total = try Int64.fetchOne(db, sql: "SELECT log_bytes FROM training_job WHERE id = ?", arguments: [id]) ?? 0
        guard total > limit else { return }
        let target = total - limit * 3 / 4
        var removed: Int64 = 0
        var cut: Int64 = 0
        let rows = try Row.fetchCursor(
            db, sql: "SELECT seq, LENGTH(CAST(data AS BLOB)) AS size FROM training_event WHERE job_id = ? AND type = 'log' ORDER BY seq",
            arguments: [id])
        while removed < target, let row = try rows.next() {
            removed += row["size"] as Int64
            cut = row["seq"]
        }
        try db.execute(
            sql: "DELETE FROM training_event WHERE job_id = ? AND type = 'log' AND seq <= ?", arguments: [id, cut])
        try db.execute(sql: "UPDATE training_job SET log_bytes = MAX(0, log_bytes - ?) WHERE id = ?", arguments: [removed, id])
    }
}
