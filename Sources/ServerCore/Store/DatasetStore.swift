import Benchmarks
import Foundation
import GRDB

/// A dataset version as the API shows it.
package struct DatasetView: Codable, Sendable, Equatable {
    package var benchmark: String
    package var source: Dataset.Source
    package var items: Int
    package var sha256: String
    package var fileName: String?
    package var createdAt: String

    package enum CodingKeys: String, CodingKey {
        case benchmark, source, items, sha256
        case fileName = "file_name"
        case createdAt = "created_at"
    }
}

/// Benchmark data in SQLite: the shipped sample sets, the built-in suites'
/// generated test splits and imported full sets, every version kept, one
/// active per benchmark.
package struct DatasetStore: Sendable {
    package let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    /// Records the shipped sample set of every adapter and activates it where
    /// the benchmark has no data yet or still runs on an older sample set.
    package func installSampleSets(_ specs: [BenchmarkSpec] = BenchmarkCatalog.all) async throws {
        for spec in specs {
            try await installSample(try SampleDatasets.load(spec), fileName: "\(spec.name).jsonl (sample)")
        }
    }

    /// Records the test split of every built-in suite, activated like a
    /// shipped sample set (a changed generator activates its new split).
    package func installBuiltinSuites(_ suites: BuiltinSuites) async throws {
        for dataset in try suites.datasets() {
            try await installSample(dataset, fileName: suites.fileName(of: dataset.benchmark))
        }
    }

    private func installSample(_ dataset: Dataset, fileName: String) async throws {
        try await database.writer.write { db in
            try insertVersion(dataset, fileName: fileName, in: db)
            let active = try activeVersion(of: dataset.benchmark, in: db)
            if active == nil || (active?.source == .sample && active?.sha256 != dataset.sha256) {
                try activate(benchmark: dataset.benchmark, sha256: dataset.sha256, in: db)
            }
        }
    }

    /// Imports a full set, replacing the active one. Returns the version and
    /// whether it is new; the same bytes again change nothing. Atomic: a
    /// failure leaves the previous data in place.
    package func importDataset(_ dataset: Dataset, fileName: String?) async throws -> (view: DatasetView, created: Bool) {
        try await database.writer.write { db in
            let created = try insertVersion(dataset, fileName: fileName, in: db)
            try activate(benchmark: dataset.benchmark, sha256: dataset.sha256, in: db)
            guard let view = try activeVersion(of: dataset.benchmark, in: db) else {
                throw DatabaseError(message: "dataset vanished during import")
            }
            return (view, created)
        }
    }

    /// The active version of every benchmark that has one.
    package func activeVersions() async throws -> [String: DatasetView] {
        try await database.writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT v.* FROM active_dataset a
                JOIN dataset_version v ON v.benchmark = a.benchmark AND v.sha256 = a.sha256
                """)
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["benchmark"], Self.view(from: $0)) })
        }
    }

    /// The items of one dataset version, in file order.
    package func items(benchmark: String, sha256: String) async throws -> [DatasetItem] {
        try await database.writer.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM dataset_item WHERE benchmark = ? AND sha256 = ? ORDER BY position",
                arguments: [benchmark, sha256])
            let decoder = JSONDecoder()
            return try rows.map { row in
                DatasetItem(
                    id: row["item_id"], question: row["question"],
                    answers: try decoder.decode([String].self, from: Data((row["answers"] as String).utf8)),
                    metadata: try decoder.decode([String: JSONValue].self, from: Data((row["metadata"] as String).utf8)),
                    line: row["line"])
            }
        }
    }

    @discardableResult
    private func insertVersion(_ dataset: Dataset, fileName: String?, in db: Database) throws -> Bool {
        let exists = try Bool.fetchOne(
            db, sql: "SELECT 1 FROM dataset_version WHERE benchmark = ? AND sha256 = ?",
            arguments: [dataset.benchmark, dataset.sha256]) ?? false
        guard !exists else { return false }
        try db.execute(
            sql: "INSERT INTO dataset_version (benchmark, sha256, source, item_count, file_name, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [dataset.benchmark, dataset.sha256, dataset.source.rawValue, dataset.items.count, fileName, Timestamp.now()])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let statement = try db.makeStatement(sql: """
            INSERT INTO dataset_item (benchmark, sha256, position, item_id, question, answers, metadata, line)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (position, item) in dataset.items.enumerated() {
            try statement.execute(arguments: [
                dataset.benchmark, dataset.sha256, position, item.id, item.question,
                String(decoding: try encoder.encode(item.answers), as: UTF8.self),
                String(decoding: try encoder.encode(item.metadata), as: UTF8.self), item.line,
            ])
        }
        return true
    }

    private func activate(benchmark: String, sha256: String, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO active_dataset (benchmark, sha256, activated_at) VALUES (?, ?, ?)
                ON CONFLICT (benchmark) DO UPDATE SET sha256 = excluded.sha256, activated_at = excluded.activated_at
                """,
            arguments: [benchmark, sha256, Timestamp.now()])
    }

    private func activeVersion(of benchmark: String, in db: Database) throws -> DatasetView? {
        try Row.fetchOne(db, sql: """
            SELECT v.* FROM active_dataset a
            JOIN dataset_version v ON v.benchmark = a.benchmark AND v.sha256 = a.sha256
            WHERE a.benchmark = ?
            """, arguments: [benchmark]).map(Self.view(from:))
    }

    private static func view(from row: Row) -> DatasetView {
        DatasetView(
            benchmark: row["benchmark"], source: Dataset.Source(rawValue: row["source"]) ?? .imported,
            items: row["item_count"], sha256: row["sha256"], fileName: row["file_name"], createdAt: row["created_at"])
    }
}
