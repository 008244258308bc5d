import Assets
import Foundation
import GRDB

/// The server's SQLite database: one WAL file under the data directory whose
/// schema comes only from the numbered `migrations/*.sql` files.
package struct AppDatabase: Sendable {
    /// The connection pool (a `DatabasePool` in the daemon, a queue in tests).
    package let writer: any DatabaseWriter

    /// Opens (creating if needed) `<directory>/aepo.sqlite` in WAL mode and
    /// applies every pending migration in file-name order.
    package static func open(directory: URL, migrationsDirectory: URL = Assets.migrationsDirectory) throws -> AppDatabase {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        // WAL with synchronous=NORMAL: a killed process loses nothing that was
        // committed; only a power cut can drop the last transactions. FULL
        // would fsync every sample row.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let path = directory.appendingPathComponent("aepo.sqlite").path
        // SQLite gives -wal and -shm the main file's mode: owner-only from the start.
        let fd = Foundation.open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        chmod(path, 0o600)
        let pool = try DatabasePool(path: path, configuration: configuration)
        let database = AppDatabase(writer: pool)
        try database.migrate(from: migrationsDirectory)
        return database
    }

    /// An in-memory database with the full schema, for tests.
    package static func inMemory(migrationsDirectory: URL = Assets.migrationsDirectory) throws -> AppDatabase {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let database = AppDatabase(writer: try DatabaseQueue(configuration: configuration))
        try database.migrate(from: migrationsDirectory)
        return database
    }

    /// Applies the migrations in `directory` that have not run yet.
    package func migrate(from directory: URL) throws {
        var migrator = DatabaseMigrator()
        for file in try Self.migrationFiles(in: directory) {
            let sql = try String(contentsOf: file, encoding: .utf8)
            migrator.registerMigration(file.lastPathComponent) { db in
                try db.execute(sql: sql)
            }
        }
        try migrator.migrate(writer)
    }

    /// The `*.sql` files of a migrations directory, in the order they apply.
    package static func migrationFiles(in directory: URL) throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return names.filter { $0.hasSuffix(".sql") }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// The schema version: how many migrations have been applied.
    package func schemaVersion() async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") ?? 0
        }
    }
}
