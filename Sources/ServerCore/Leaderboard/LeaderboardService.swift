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

        /// A cache key naming exactly what the query selects.
        package var key: String { "data=\(source?.rawValue ?? "default")&sort=\(sort.key)&order=\(sort.order.rawValue)&page=\(page)" }
    }

    /// Parses a query's `data`, `sort`, `order` and `page` values; a bad
    /// value is an invalid-input error naming it.
    package static func query(data: String?, sort: String?, order: String?, page: String?) throws -> Query {
        Query(
            source: try source(data), sort: try LeaderboardSort.parse(sort: sort, order: order),
            page: try Query.page(page))
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
        try await data(source: query.source)
    }

    /// The data of `source`, or of the default source when nil.
    package func data(source requested: DataSource?) async throws -> LeaderboardData {
        let generation = generation.current
        var source = requested
        if source == nil { source = try await defaultSource(generation: generation) }
        let resolved = source ?? .sample
        return try await dataCache.value(for: resolved.rawValue, generation: generation) { [store] in
            try await store.data(source: resolved)
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
