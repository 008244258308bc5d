/// The rankings as pages and the JSON API get them: query parsing, the data
/// of a source cached per data generation, and the sorted ranking.
package struct LeaderboardService: Sendable {
    package let store: LeaderboardStore
    package let generation: DataGeneration
    package let dataCache: RenderCache<LeaderboardData>

    package init(store: LeaderboardStore, generation: DataGeneration) {
        self.store = store
        self.generation = generation
        self.dataCache = RenderCache(capacity: 8)
    }

    /// A ranking request: `?data=`, `?sort=`, `?order=` (and `?page=` for pages).
    package struct Query: Sendable, Equatable {
        /// nil: the default source (imported once any imported set exists).
        package var source: DataSource?
        package var sort: LeaderboardSort
        package var page: Int
        /// Only evaluations of this protocol label (`?protocol=`); nil: all.
        package var `protocol`: String? = nil

        /// A cache key naming exactly what the query selects.
        package var key: String {
            "data=\(source?.rawValue ?? "default")&sort=\(sort.key)&order=\(sort.order.rawValue)&page=\(page)"
                + (self.protocol.map { "&protocol=\($0)" } ?? "")
        }
    }

    /// Parses a query's `data`, `sort`, `order` and `page` values; a bad
    /// value is an invalid-input error naming it.
    package static func query(
        data: String?, sort: String?, order: String?, page: String?, protocol: String? = nil
    ) throws -> Query {
        Query(
            source: try source(data), sort: try LeaderboardSort.parse(sort: sort, order: order),
            page: try Query.page(page), protocol: try protocolLabel(`protocol`))
    }

    /// `protocol=LABEL` (e.g. `aepo-paper`), or nil (absent or empty) for all.
    package static func protocolLabel(_ text: String?) throws -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard text.count <= 100, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-+_.".contains($0)) }) else {
            throw CoreError.invalid("invalid_parameter", "protocol must be a protocol label such as default or aepo-paper")
        }
        return text
    }

    /// `data=imported|sample`, or nil (absent or empty) for the default.
    package static func source(_ data: String?) throws -> DataSource? {
        guard let data, !data.isEmpty else { return nil }
        guard let parsed = DataSource(rawValue: data) else {
            throw CoreError.invalid("invalid_parameter", "data must be imported or sample, not \"\(data)\"")
        }
        return parsed
    }

    /// The data of `query`'s source (resolving the default) at the current generation.
    package func data(for query: Query) async throws -> LeaderboardData {
        try await data(source: query.source, protocol: query.protocol)
    }

    /// The data of `source`, or of the default source when nil; only the
    /// results of protocol `label` when given.
    package func data(source requested: DataSource?, protocol label: String? = nil) async throws -> LeaderboardData {
        let generation = generation.current
        var source = requested
        if source == nil { source = try await defaultSource(generation: generation) }
        let resolved = source ?? .sample
        let key = resolved.rawValue + (label.map { "|\($0)" } ?? "")
        return try await dataCache.value(for: key, generation: generation) { [store] in
            try await store.data(source: resolved, protocol: label)
        }
    }

    /// Imported once any imported dataset exists, else sample.
    private func defaultSource(generation: UInt64) async throws -> DataSource {
        let imported = try await dataCache.value(for: DataSource.imported.rawValue, generation: generation) { [store] in
            try await store.data(source: .imported)
        }
        return imported.hasImported ? .imported : .sample
    }

    /// The sorted ranking of `query`.
    package func leaderboard(for query: Query) async throws -> (board: Leaderboard, data: LeaderboardData) {
        let data = try await data(for: query)
        return (Leaderboard.build(from: data, sort: query.sort), data)
    }
}

extension LeaderboardService.Query {
    package static func page(_ text: String?) throws -> Int {
        guard let text, !text.isEmpty else { return 1 }
        guard let page = Int(text), page >= 1, page <= 1_000_000 else {
            throw CoreError.invalid("invalid_parameter", "page must be a positive integer")
        }
        return page
    }
}
