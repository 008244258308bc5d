import Hummingbird

/// The rankings as pages and the JSON API get them: query parsing, the data
/// of a source cached per data generation, and the sorted ranking.
struct LeaderboardService: Sendable {
    let store: LeaderboardStore
    let generation: DataGeneration
    let dataCache: RenderCache<LeaderboardData>

    init(store: LeaderboardStore, generation: DataGeneration) {
        self.store = store
        self.generation = generation
        self.dataCache = RenderCache(capacity: 8)
    }

    /// A ranking request: `?data=`, `?sort=`, `?order=` (and `?page=` for pages).
    struct Query: Sendable, Equatable {
        /// nil: the default source (imported once any imported set exists).
        var source: DataSource?
        var sort: LeaderboardSort
        var page: Int

        /// A cache key naming exactly what the query selects.
        var key: String { "data=\(source?.rawValue ?? "default")&sort=\(sort.key)&order=\(sort.order.rawValue)&page=\(page)" }
    }

    /// Parses the query of `request`; a bad value is a 400 naming it.
    static func query(_ request: Request) throws -> Query {
        let parameters = request.uri.queryParameters
        let source = try Self.source(request)
        let sort = try LeaderboardSort.parse(
            sort: parameters["sort"].map(String.init), order: parameters["order"].map(String.init))
        let page = try Query.page(parameters["page"].map(String.init))
        return Query(source: source, sort: sort, page: page)
    }

    /// `?data=imported|sample`, or nil for the default.
    static func source(_ request: Request) throws -> DataSource? {
        guard let data = request.uri.queryParameters["data"].map(String.init), !data.isEmpty else { return nil }
        guard let parsed = DataSource(rawValue: data) else {
            throw APIError.badRequest("invalid_parameter", "data must be imported or sample, not \"\(data)\"")
        }
        return parsed
    }

    /// The data of `query`'s source (resolving the default) at the current generation.
    func data(for query: Query) async throws -> LeaderboardData {
        try await data(source: query.source)
    }

    /// The data of `source`, or of the default source when nil.
    func data(source requested: DataSource?) async throws -> LeaderboardData {
        let generation = generation.current
        var source = requested
        if source == nil { source = try await defaultSource(generation: generation) }
        let resolved = source ?? .sample
        return try await dataCache.value(for: resolved.rawValue, generation: generation) { [store] in
            try store.data(source: resolved)
        }
    }

    /// Imported once any imported dataset exists, else sample.
    private func defaultSource(generation: UInt64) async throws -> DataSource {
        let imported = try await dataCache.value(for: DataSource.imported.rawValue, generation: generation) { [store] in
            try store.data(source: .imported)
        }
        return imported.hasImported ? .imported : .sample
    }

    /// The sorted ranking of `query`.
    func leaderboard(for query: Query) async throws -> (board: Leaderboard, data: LeaderboardData) {
        let data = try await data(for: query)
        return (Leaderboard.build(from: data, sort: query.sort), data)
    }
}

extension LeaderboardService.Query {
    static func page(_ text: String?) throws -> Int {
        guard let text, !text.isEmpty else { return 1 }
        guard let page = Int(text), page >= 1, page <= 1_000_000 else {
            throw APIError.badRequest("invalid_parameter", "page must be a positive integer")
        }
        return page
    }
}
