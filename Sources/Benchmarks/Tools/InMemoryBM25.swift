import Foundation

/// A small in-memory BM25 index (Lucene's variant: `idf = ln(1 + (N - df +
/// 0.5) / (df + 0.5))`) over short documents, and a `SearchBackend`: the
/// search corpus of the built-in synth-hop suite, so training rollouts and
/// evaluations search the same knowledge base through the same tool without
/// a database. Terms are lower-cased runs of letters and digits. Ranking is
/// deterministic: ties go to the earlier document. Hits carry no title (the
/// documents are single facts), so the model sees `Doc 1 <text>`.
public struct InMemoryBM25: SearchBackend {
    /// One indexed document.
    public struct Document: Sendable, Hashable, Codable {
        /// A stable identifier.
        public let id: String
        /// The text that is indexed and returned.
        public let text: String

        /// Creates a document.
        public init(id: String, text: String) {
            self.id = id
            self.text = text
        }
    }

    /// One ranked result.
    public struct Hit: Sendable, Hashable {
        /// The document.
        public let document: Document
        /// Its BM25 score for the query (> 0).
        public let score: Double
    }

    /// The documents, in index order.
    public let documents: [Document]
    /// Term-frequency saturation (default 0.9, as Pyserini).
    public let k1: Double
    /// Length normalisation (default 0.4, as Pyserini).
    public let b: Double
    private let postings: [String: [(document: Int, frequency: Int)]]
    private let lengths: [Int]
    private let averageLength: Double

    /// Indexes `documents`.
    /// - Parameters:
    ///   - documents: the corpus.
    ///   - k1: term-frequency saturation.
    ///   - b: length normalisation in [0, 1].
    public init(documents: [Document], k1: Double = 0.9, b: Double = 0.4) {
        self.documents = documents
        self.k1 = k1
        self.b = b
        var postings: [String: [(document: Int, frequency: Int)]] = [:]
        var lengths: [Int] = []
        for (index, document) in documents.enumerated() {
            let terms = Self.terms(document.text)
            lengths.append(terms.count)
            var counts: [String: Int] = [:]
            for term in terms { counts[term, default: 0] += 1 }
            for (term, count) in counts { postings[term, default: []].append((index, count)) }
        }
        self.postings = postings
        self.lengths = lengths
        averageLength = lengths.isEmpty ? 1 : max(1, Double(lengths.reduce(0, +)) / Double(lengths.count))
    }

    /// The best `limit` documents for `query` (only documents sharing a term with it).
    /// - Parameters:
    ///   - query: free text.
    ///   - limit: most hits returned.
    public func search(_ query: String, limit: Int) -> [Hit] {
        guard limit > 0 else { return [] }
        let count = Double(documents.count)
        var scores: [Int: Double] = [:]
        for term in Set(Self.terms(query)) {
            guard let list = postings[term] else { continue }
            let df = Double(list.count)
            let idf = log1p((count - df + 0.5) / (df + 0.5))
            for (document, frequency) in list {
                let tf = Double(frequency)
                let norm = k1 * (1 - b + b * Double(lengths[document]) / averageLength)
                scores[document, default: 0] += idf * tf * (k1 + 1) / (tf + norm)
            }
        }
        return scores
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(limit)
            .map { Hit(document: documents[$0.key], score: $0.value) }
    }

    /// The `SearchBackend` entry point: `search(query, limit: topK)` as hits
    /// with the text and score.
    public func search(_ query: String, topK: Int) async throws -> [SearchHit] {
        search(query, limit: topK).map { SearchHit(text: $0.document.text, score: $0.score) }
    }

    /// The index terms of `text`: lower-cased maximal runs of letters and digits.
    public static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                terms.append(current)
                current = ""
            }
        }
        if !current.isEmpty { terms.append(current) }
        return terms
    }
}
