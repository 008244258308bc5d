import Benchmarks
import Foundation
import GRDB

/// Remote search answers kept in SQLite, keyed by backend, query and top-k,
/// so a rerun of an evaluation sees exactly what the first run saw.
package struct SearchCache: Sendable {
    package let database: AppDatabase

    package func lookup(backend: String, query: String, topK: Int) async throws -> [SearchHit]? {
        let text = try await database.writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT results FROM search_cache WHERE backend = ? AND query = ? AND top_k = ?",
                arguments: [backend, query, topK])
        }
        return try text.map { try JSONDecoder().decode([SearchHit].self, from: Data($0.utf8)) }
    }

    package func store(_ hits: [SearchHit], backend: String, query: String, topK: Int) async throws {
        let json = String(decoding: try JSONEncoder().encode(hits), as: UTF8.self)
        try await database.writer.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO search_cache (backend, query, top_k, results, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [backend, query, topK, json, Timestamp.now()])
        }
    }
}

/// A remote backend behind the cache: a cached query is answered from
/// SQLite; only successful answers are cached. Its result text is the
/// default one (the cached hits, formatted), so it wraps search APIs and
/// retrievers, never a `DeepSearch`, which caches its own parts.
package struct CachedSearch: SearchBackend {
    package let backend: any SearchBackend
    package let cache: SearchCache
    /// Names the backend in the cache, e.g. `http:<url>`.
    package let key: String

    package func search(_ query: String, topK: Int) async throws -> [SearchHit] {
        if let cached = try await cache.lookup(backend: key, query: query, topK: topK) { return cached }
        let hits = try await backend.search(query, topK: topK)
        try await cache.store(hits, backend: key, query: query, topK: topK)
        return hits
    }
}
