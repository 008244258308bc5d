import Foundation
import GRDB

/// Why a corpus file was refused.
package struct CorpusError: Error, CustomStringConvertible {
    package let description: String
}

/// One document of the local search corpus.
package struct CorpusDocument: Sendable, Equatable {
    package var id: String
    package var title: String
    package var text: String
}

/// A hit from the local corpus, best first.
package struct CorpusHit: Sendable, Equatable {
    package var id: String
    package var title: String
    package var text: String
    /// BM25 relevance (higher is better).
    package var score: Double
}

/// The local search corpus in SQLite FTS5, ranked by BM25.
package struct CorpusStore: Sendable {
    package let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    /// Parses a JSONL corpus: one object per line with `id` (else the line
    /// number), `text` or Search-R1's `contents` (`"Title"\ntext`), and an
    /// optional `title`. A bad line is an error naming it.
    package static func parse(_ data: Data, fileName: String) throws -> [CorpusDocument] {
        var documents: [CorpusDocument] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { !($0 == 32 || $0 == 9 || $0 == 13) }) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw CorpusError(description: "\(fileName) line \(lineNumber): not a JSON object")
            }
            let id = (object["id"] as? String) ?? (object["id"] as? Int).map(String.init) ?? String(lineNumber)
            var title = object["title"] as? String ?? ""
            var text = object["text"] as? String ?? ""
            if text.isEmpty, let contents = object["contents"] as? String {
                let parts = contents.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                if title.isEmpty, parts.count == 2 {
                    title = parts[0].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
                    text = String(parts[1])
                } else {
                    text = contents
                }
            }
            guard !text.isEmpty else {
                throw CorpusError(description: "\(fileName) line \(lineNumber): no \"text\" or \"contents\"")
            }
            documents.append(CorpusDocument(id: id, title: title, text: text))
        }
        return documents
    }

    /// Adds documents in one transaction (a document with a known id is
    /// replaced); with `replace`, the corpus is emptied first. Returns the
    /// number of documents in the corpus afterwards.
    package func importDocuments(_ documents: [CorpusDocument], replace: Bool) async throws -> Int {
        try await database.writer.write { db in
            if replace { try db.execute(sql: "DELETE FROM corpus_document") }
            let statement = try db.makeStatement(sql: """
                INSERT INTO corpus_document (doc_id, title, text) VALUES (?, ?, ?)
                ON CONFLICT (doc_id) DO UPDATE SET title = excluded.title, text = excluded.text
                """)
            for document in documents {
                try statement.execute(arguments: [document.id, document.title, document.text])
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM corpus_document") ?? 0
        }
    }

    /// The number of documents.
    package func count() async throws -> Int {
        try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM corpus_document") ?? 0 }
    }

    /// The `topK` best documents for `query` by BM25 (title weighted 2x).
    /// Free text is turned into an OR of quoted terms, so any query is safe.
    package func search(_ query: String, topK: Int) async throws -> [CorpusHit] {
        let terms = Self.terms(of: query)
        guard !terms.isEmpty else { return [] }
        let match = terms.map { "\"\($0)\"" }.joined(separator: " OR ")
        return try await database.writer.read { db in
            // Cached per connection: every search of an evaluation runs this one statement.
            let statement = try db.cachedStatement(
                sql: """
                    SELECT d.doc_id, d.title, d.text, bm25(corpus_fts, 2.0, 1.0) AS rank
                    FROM corpus_fts JOIN corpus_document d ON d.id = corpus_fts.rowid
                    WHERE corpus_fts MATCH ? ORDER BY rank LIMIT ?
                    """)
            return try Row.fetchAll(statement, arguments: [match, topK]).map { row in
                CorpusHit(id: row["doc_id"], title: row["title"], text: row["text"], score: -(row["rank"] as Double))
            }
        }
    }

    /// Letters and digits runs of the query, lower-cased, at most 32.
    package static func terms(of query: String) -> [String] {
        var terms: [String] = []
        var current = ""
        for scalar in query.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                terms.append(current)
                current = ""
            }
        }
        if !current.isEmpty { terms.append(current) }
        var seen = Set<String>()
        return Array(terms.filter { seen.insert($0).inserted }.prefix(32))
    }
}
