import Foundation
import GRDB

/// A system prompt an admin stored by name (`PUT /api/v1/prompts/{name}`).
package struct StoredPrompt: Codable, Sendable, Equatable {
    package var name: String
    package var system: String
    package var systemZh: String?
    package var sha256: String
    package var createdAt: String
    package var updatedAt: String

    package enum CodingKeys: String, CodingKey {
        case name, system, sha256
        case systemZh = "system_zh"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(system, forKey: .system)
        try container.encode(systemZh, forKey: .systemZh)
        try container.encode(sha256, forKey: .sha256)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    /// The prompt as an evaluation's configuration holds it.
    package var settings: PromptSettings { PromptSettings(name: name, system: system, systemZh: systemZh) }
}

/// Named system prompts. An evaluation copies a prompt's texts into its
/// configuration, so replacing one changes only later evaluations (whose
/// configuration, and so id, differ by the prompt's SHA-256).
package struct PromptStore: Sendable {
    package let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    /// Stores or replaces `name`; returns it and whether it was new.
    package func put(name: String, system: String, systemZh: String?) async throws -> (prompt: StoredPrompt, created: Bool) {
        let sha = PromptSettings.digest(system: system, systemZh: systemZh)
        return try await database.writer.write { db in
            let now = Timestamp.now()
            let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM prompt WHERE name = ?", arguments: [name]) ?? false
            try db.execute(
                sql: """
                    INSERT INTO prompt (name, system, system_zh, sha256, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET system = excluded.system, system_zh = excluded.system_zh,
                        sha256 = excluded.sha256, updated_at = excluded.updated_at
                    """,
                arguments: [name, system, systemZh, sha, now, now])
            guard let prompt = try Self.fetch(name, in: db) else { throw CoreError.notFound("no prompt named \"\(name)\"") }
            return (prompt, !existed)
        }
    }

    /// The prompt called `name`, if any.
    package func prompt(named name: String) async throws -> StoredPrompt? {
        try await database.writer.read { db in try Self.fetch(name, in: db) }
    }

    /// Every stored prompt, by name.
    package func list() async throws -> [StoredPrompt] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM prompt ORDER BY name").map(Self.prompt(from:))
        }
    }

    private static func fetch(_ name: String, in db: Database) throws -> StoredPrompt? {
        try Row.fetchOne(db, sql: "SELECT * FROM prompt WHERE name = ?", arguments: [name]).map(prompt(from:))
    }

    private static func prompt(from row: Row) -> StoredPrompt {
        StoredPrompt(
            name: row["name"], system: row["system"], systemZh: row["system_zh"], sha256: row["sha256"],
            createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
