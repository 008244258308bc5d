import Foundation
import GRDB

/// A stored engine profile and where it came from.
package struct StoredEngineProfile: Codable, Sendable, Equatable {
    package var profile: EngineProfile
    /// `api` (`PUT /api/v1/engines/{name}`) or `file` (`engines.json`).
    package var source: String
    package var createdAt: String
    package var updatedAt: String
}

/// Engine profiles in SQLite. `<data-dir>/engines.json` is read at every
/// start and its profiles replace the stored ones of the same name, so the
/// file stays the truth for what it defines; the API may add others.
package struct EngineProfileStore: Sendable {
    package static let fileName = "engines.json"

    package let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    /// Stores or replaces `profile` (already validated); returns whether it was new.
    @discardableResult
    package func put(_ profile: EngineProfile, source: String = "api") async throws -> Bool {
        let json = profile.json()
        return try await database.writer.write { db in
            let now = Timestamp.now()
            let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM engine_profile WHERE name = ?", arguments: [profile.name]) ?? false
            try db.execute(
                sql: """
                    INSERT INTO engine_profile (name, profile, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET profile = excluded.profile, source = excluded.source,
                        updated_at = excluded.updated_at
                    """,
                arguments: [profile.name, json, source, now, now])
            return !existed
        }
    }

    /// The profile called `name`, if any.
    package func profile(named name: String) async throws -> StoredEngineProfile? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM engine_profile WHERE name = ?", arguments: [name]).map(Self.stored(from:))
        }
    }

    /// Every profile, by name.
    package func list() async throws -> [StoredEngineProfile] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM engine_profile ORDER BY name").map(Self.stored(from:))
        }
    }

    /// Removes `name`; false when there was none.
    package func delete(_ name: String) async throws -> Bool {
        try await database.writer.write { db in
            try db.execute(sql: "DELETE FROM engine_profile WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    /// Reads `<data-dir>/engines.json` (`{"engines":[{"name",...}]}`) into the
    /// store; a missing file is no profile, a broken one stops the start.
    /// - Returns: the names read.
    package func importFile(dataDirectory: URL) async throws -> [String] {
        let url = dataDirectory.appendingPathComponent(Self.fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        struct File: Decodable { var engines: [EngineProfile] }
        let profiles: [EngineProfile]
        do {
            profiles = try JSONDecoder().decode(File.self, from: data).engines.map { try $0.validated() }
        } catch {
            throw CoreError.misconfigured("invalid_engines_file", "\(Self.fileName) cannot be read: \(error)")
        }
        for profile in profiles { try await put(profile, source: "file") }
        return profiles.map(\.name)
    }

    private static func stored(from row: Row) throws -> StoredEngineProfile {
        let text: String = row["profile"]
        let profile = try JSONDecoder().decode(EngineProfile.self, from: Data(text.utf8))
        return StoredEngineProfile(profile: profile, source: row["source"], createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
