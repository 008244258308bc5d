import Benchmarks
import Foundation
import GRDB

/// Why a reported-result operation was refused.
package enum ReportedResultStoreError: Error, Equatable {
    case notFound(Int64)
}

/// Reported rows: results published elsewhere, kept apart from measured ones.
package struct ReportedResultStore: Sendable {
    package let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    /// Stores a validated reported row and returns it.
    package func insert(_ request: ReportedResultRequest) async throws -> ReportedResult {
        try await database.writer.write { db in
            let now = Timestamp.now()
            try db.execute(
                sql: "INSERT INTO reported_result (name, source_url, note, created_at) VALUES (?, ?, ?, ?)",
                arguments: [request.name, request.sourceURL, request.note, now])
            let id = db.lastInsertedRowID
            for score in request.results {
                try db.execute(
                    sql: "INSERT INTO reported_score (reported_id, benchmark, pass_at_1, pass_at_5) VALUES (?, ?, ?, ?)",
                    arguments: [id, score.benchmark, score.passAt1, score.passAt5])
            }
            return try Self.fetch(id: id, in: db)
        }
    }

    /// Every reported row, oldest first.
    package func list() async throws -> [ReportedResult] {
        try await database.writer.read { db in try Self.fetchAll(in: db) }
    }

    /// One reported row.
    package func reported(id: Int64) async throws -> ReportedResult {
        try await database.writer.read { db in try Self.fetch(id: id, in: db) }
    }

    /// Deletes a reported row and its scores.
    package func delete(id: Int64) async throws {
        try await database.writer.write { db in
            try db.execute(sql: "DELETE FROM reported_result WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { throw ReportedResultStoreError.notFound(id) }
        }
    }

    package static func fetch(id: Int64, in db: Database) throws -> ReportedResult {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM reported_result WHERE id = ?", arguments: [id]) else {
            throw ReportedResultStoreError.notFound(id)
        }
        return make(row, scores: try scores(in: db, reportedID: id)[id] ?? [])
    }

    package static func fetchAll(in db: Database) throws -> [ReportedResult] {
        let scores = try scores(in: db, reportedID: nil)
        return try Row.fetchAll(db, sql: "SELECT * FROM reported_result ORDER BY id").map { row in
            make(row, scores: scores[row["id"]] ?? [])
        }
    }

    /// Scores by reported id, in leaderboard order of benchmarks.
    private static func scores(in db: Database, reportedID: Int64?) throws -> [Int64: [ReportedResult.Score]] {
        var sql = "SELECT * FROM reported_score"
        var arguments: StatementArguments = []
        if let reportedID {
            sql += " WHERE reported_id = ?"
            arguments = [reportedID]
        }
        var scores: [Int64: [ReportedResult.Score]] = [:]
        for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            scores[row["reported_id"], default: []].append(
                .init(benchmark: row["benchmark"], passAt1: row["pass_at_1"], passAt5: row["pass_at_5"]))
        }
        let order = Dictionary(uniqueKeysWithValues: BenchmarkCatalog.names.enumerated().map { ($1, $0) })
        return scores.mapValues { list in list.sorted { (order[$0.benchmark] ?? .max) < (order[$1.benchmark] ?? .max) } }
    }

    private static func make(_ row: Row, scores: [ReportedResult.Score]) -> ReportedResult {
        ReportedResult(
            id: row["id"], name: row["name"], sourceURL: row["source_url"], note: row["note"], results: scores,
            createdAt: row["created_at"])
    }
}
