import GRDB
import Synchronization

/// A counter bumped by every committed write to a table the pages show, so
/// rendered pages can be cached until the data they show changes.
///
/// It observes the writer connection of this process; `sample` rows are left
/// out on purpose (an evaluation page of a running job is never cached, and a
/// sample landing changes no ranking until its evaluation finishes, which
/// writes `evaluation` and `evaluation_result`). Writes made by another
/// process (`aepo datasets import --data-dir` next to a running server) are
/// caught by ``checkForExternalWrites(in:)``, which a running server calls
/// every second: SQLite's `data_version` on the writer connection changes
/// only when another connection commits.
package final class DataGeneration: TransactionObserver, Sendable {
    /// The tables whose changes may change a cached page.
    package static let observedTables: Set<String> = [
        "checkpoint", "checkpoint_name", "dataset_version", "active_dataset", "evaluation", "evaluation_benchmark",
        "evaluation_result", "reported_result", "reported_score",
    ]

    private let counter = Atomic<UInt64>(1)
    /// Whether the open transaction changed an observed table.
    private let dirty = Atomic<Bool>(false)
    /// The writer connection's `PRAGMA data_version` when last checked.
    private let externalVersion = Mutex<Int?>(nil)

    package init() {}

    /// The current generation; it only grows.
    package var current: UInt64 { counter.load(ordering: .acquiring) }

    /// Starts observing `database`'s writer for as long as the database lives.
    package func observe(_ database: AppDatabase) {
        database.writer.add(transactionObserver: self, extent: .databaseLifetime)
    }

    /// Bumps the generation by hand (tests, writes the observer cannot see).
    package func bump() {
        counter.add(1, ordering: .releasing)
    }

    /// Bumps the generation when another process committed to the database
    /// since the last call (the first call only records the version).
    package func checkForExternalWrites(in database: AppDatabase) async throws {
        let version = try await database.writer.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0
        }
        let changed = externalVersion.withLock { last in
            defer { last = version }
            return last != nil && last != version
        }
        if changed { bump() }
    }

    package func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        Self.observedTables.contains(eventKind.tableName)
    }

    package func databaseDidChange(with event: DatabaseEvent) {
        dirty.store(true, ordering: .relaxed)
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    package func databaseDidCommit(_ db: Database) {
        if dirty.exchange(false, ordering: .relaxed) { bump() }
    }

    package func databaseDidRollback(_ db: Database) {
        dirty.store(false, ordering: .relaxed)
    }
}
