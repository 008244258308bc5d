import Assets
import Foundation
import GRDB
import Testing

@testable import ServerCore

/// migrations/0009 rebuilds `checkpoint` to admit `hf`: what a server of
/// the previous schema stored must come through unchanged.
@Suite("Migration 0009 (hf checkpoints)")
struct HFMigrationTests {
    @Test func rebuildKeepsRowsIdsReferencesAndTheIdCounter() throws {
        let before = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: before) }
        for file in try AppDatabase.migrationFiles(in: Assets.migrationsDirectory) where file.lastPathComponent < "0009" {
            try FileManager.default.copyItem(at: file, to: before.appendingPathComponent(file.lastPathComponent))
        }
        let database = try AppDatabase.inMemory(migrationsDirectory: before)
        try database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO checkpoint (id, name, kind, sha256, bytes, format, metadata, created_at)
                    VALUES (1, 'a', 'file', 'aa', 3, 'opaque', '{}', 't'), (2, 'gone', 'file', 'bb', 3, 'opaque', '{}', 't');
                INSERT INTO checkpoint (id, name, kind, endpoint_url, endpoint_model, max_concurrency, created_at)
                    VALUES (3, 'served', 'endpoint', 'http://h/v1', 'm', 4, 't');
                DELETE FROM checkpoint WHERE id = 3;
                INSERT INTO checkpoint (id, name, kind, endpoint_url, endpoint_model, max_concurrency, created_at)
                    VALUES (3, 'served', 'endpoint', 'http://h/v1', 'm', 4, 't');
                UPDATE sqlite_sequence SET seq = 7 WHERE name = 'checkpoint';
                DELETE FROM checkpoint WHERE id = 2;
                INSERT INTO checkpoint_name (name, checkpoint_id, created_at) VALUES ('a', 1, 't'), ('a-alias', 1, 't');
                INSERT INTO evaluation (checkpoint_id, config, config_sha256, concurrency, status, total, created_at)
                    VALUES (3, '{}', 'c', 1, 'pending', 1, 't');
                """)
        }
        try database.migrate(from: Assets.migrationsDirectory)
        try database.writer.write { db in
            #expect(try String.fetchAll(db, sql: "SELECT name FROM checkpoint ORDER BY id") == ["a", "served"])
            #expect(try Int.fetchOne(db, sql: "SELECT max_concurrency FROM checkpoint WHERE id = 3") == 4)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checkpoint_name WHERE checkpoint_id = 1") == 2)
            #expect(try Int.fetchOne(db, sql: "SELECT checkpoint_id FROM evaluation") == 3)
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            // A deleted id is never handed out again.
            try db.execute(sql: """
                INSERT INTO checkpoint (name, kind, digest, bytes, parameter_count, dtype, has_chat_template, runnable_by, created_at)
                VALUES ('h', 'hf', 'dd', 1, 1, 'bfloat16', 0, '[]', 't')
                """)
            #expect(db.lastInsertedRowID == 8)
            // References to the rebuilt table still cascade and still refuse dangling ids.
            try db.execute(sql: "INSERT INTO checkpoint_file (checkpoint_id, path, bytes, sha256) VALUES (8, 'config.json', 1, 'x')")
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO checkpoint_name (name, checkpoint_id, created_at) VALUES ('x', 99, 't')")
            }
            try db.execute(sql: "DELETE FROM checkpoint WHERE id = 8")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checkpoint_file") == 0)
            // An hf row must carry its digest and summary.
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO checkpoint (name, kind, bytes, created_at) VALUES ('bad', 'hf', 1, 't')")
            }
        }
    }
}
