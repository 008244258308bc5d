import Benchmarks
import GRDB

/// The deep search's cache in SQLite (`web_page_cache`,
/// `search_summary_cache`): pages by address and byte cap, summaries by
/// the digest of their request. The first answer stored wins, so two
/// samples racing for one page keep one text.
package struct DeepSearchStore: DeepSearchCache {
    package let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    package func page(url: String, maxBytes: Int) async throws -> FetchedPage? {
        try await database.writer.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT final_url, content_type, text, truncated FROM web_page_cache
                    WHERE url = ? AND max_bytes = ?
                    """,
                arguments: [url, maxBytes]
            ).map { row in
                FetchedPage(url: row["final_url"], contentType: row["content_type"], text: row["text"], truncated: row["truncated"])
            }
        }
    }

    package func store(page: FetchedPage, url: String, maxBytes: Int) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO web_page_cache
                        (url, max_bytes, final_url, content_type, text, truncated, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [url, maxBytes, page.url, page.contentType, page.text, page.truncated, Timestamp.now()])
        }
    }

    package func summary(key: String) async throws -> String? {
        try await database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT summary FROM search_summary_cache WHERE key = ?", arguments: [key])
        }
    }

    package func store(summary: String, key: String) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO search_summary_cache (key, summary, created_at) VALUES (?, ?, ?)",
                arguments: [key, summary, Timestamp.now()])
        }
    }
}
