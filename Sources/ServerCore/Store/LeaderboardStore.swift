import Foundation
import GRDB

/// Reads what the rankings are computed from, in one read transaction so a
/// page never mixes two states of the database.
package struct LeaderboardStore: Sendable {
    package let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    /// Whether any imported (full) dataset exists: then rankings default to it.
    package func hasImportedData() async throws -> Bool {
        try await database.writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM dataset_version WHERE source = 'imported')") ?? false
        }
    }

    /// The data of one source: its dataset versions, its finished results
    /// that cover every item of their version (oldest first), and the
    /// reported rows; only results of protocol `label` when given.
    package func data(source: DataSource, protocol label: String? = nil) async throws -> LeaderboardData {
        try await database.writer.read { db in
            let versions = try Row.fetchAll(
                db, sql: """
                    SELECT v.*, (a.sha256 IS NOT NULL) AS active FROM dataset_version v
                    LEFT JOIN active_dataset a ON a.benchmark = v.benchmark AND a.sha256 = v.sha256
                    WHERE v.source = ?
                    """, arguments: [source.rawValue]
            ).map { row in
                DatasetVersionInfo(
                    benchmark: row["benchmark"], sha256: row["sha256"], source: source, items: row["item_count"],
                    fileName: row["file_name"], createdAt: row["created_at"], isActive: row["active"])
            }
            let results = try Row.fetchAll(
                db, sql: """
                    SELECT \(Self.resultColumns)
                    FROM evaluation_result r
                    JOIN evaluation e ON e.id = r.evaluation_id AND e.status = 'finished'
                    JOIN checkpoint c ON c.id = e.checkpoint_id
                    JOIN dataset_version v ON v.benchmark = r.benchmark AND v.sha256 = r.dataset_sha256
                    WHERE v.source = ? AND r.items = v.item_count AND (? IS NULL OR e.protocol = ?)
                    ORDER BY e.finished_at, e.id
                    """, arguments: [source.rawValue, label, label]
            ).map(Self.result(from:))
            let hasImported = source == .imported
                ? !versions.isEmpty
                : try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM dataset_version WHERE source = 'imported')") ?? false
            return LeaderboardData(
                source: source, versions: versions, results: results, reported: try ReportedResultStore.fetchAll(in: db),
                hasImported: hasImported)
        }
    }

    /// The columns ``result(from:)`` reads, in this order, first in a query.
    package static let resultColumns = """
        r.evaluation_id, r.benchmark, r.dataset_sha256, r.items, r.samples, r.pass_at_1, r.pass_at_5,
        r.ci_low, r.ci_high, r.metric, e.checkpoint_id, e.finished_at, c.name
        """

    /// A result from a row starting with ``resultColumns``. Columns are read
    /// by position: by name, GRDB compares names case-insensitively, which
    /// dominated the cost of reading 14,000 results.
    package static func result(from row: Row) -> RankedResult {
        let low: Double? = row[7]
        let high: Double? = row[8]
        return RankedResult(
            evaluationID: row[0], checkpointID: row[10], checkpointName: row[12], benchmark: row[1],
            datasetSHA256: row[2], items: row[3], samples: row[4], scores: ScorePair(passAt1: row[5], passAt5: row[6]),
            interval: low.flatMap { low in high.map { .init(low: low, high: $0) } }, metric: row[9],
            finishedAt: row[11] ?? "")
    }
}
