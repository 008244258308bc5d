import Benchmarks
import Hummingbird
import NIOCore
import ServerCore

extension PageController {
    /// `/benchmarks/{name}[?data=&dataset=&sort=pass_at_1|pass_at_5]`.
    @Sendable func benchmark(_ request: Request, context: AppRequestContext) async throws -> Response {
        let spec = try BenchmarkDirectory.spec(named: context.parameters.get("name") ?? "")
        let source = try LeaderboardService.source(request)
        let dataset = request.uri.queryParameters["dataset"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let sort = request.uri.queryParameters["sort"].map(String.init) ?? ""
        guard let metric = sort.isEmpty ? .passAt1 : ScoreMetric(rawValue: sort) else {
            throw APIError.badRequest("invalid_parameter", "sort must be pass_at_1 or pass_at_5, not \"\(sort)\"")
        }
        let page = try LeaderboardService.Query.page(request.uri.queryParameters["page"].map(String.init))
        let key = PageURL.make(
            "/benchmarks/\(spec.name)",
            [("data", source?.rawValue), ("dataset", dataset), ("sort", metric.rawValue), ("page", String(page))])
        return try await cached(key) { [leaderboards, renderer] in
            let data = try await leaderboards.data(source: source)
            let version: DatasetVersionInfo?
            if let dataset {
                guard let found = data.versions.first(where: { $0.benchmark == spec.name && $0.sha256 == dataset }) else {
                    throw APIError.notFound("\(spec.name) has no \(data.source.rawValue) dataset version \(dataset)")
                }
                version = found
            } else {
                version = data.rankedVersion(of: spec.name)
            }
            let model = try BenchmarkPage(spec: spec, data: data, version: version, metric: metric, page: page)
            let chrome = renderer.chrome(title: "\(spec.name) · \(data.source.title)", section: "benchmarks")
            return try renderer.render("benchmark", chrome: chrome, page: model)
        }
    }

    /// `/benchmarks`: the 14 benchmarks and the built-in suites, their groups, scoring and data.
    @Sendable func benchmarkIndex(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await cached("/benchmarks") { [leaderboards, renderer] in
            let imported = try await leaderboards.data(source: .imported)
            let sample = try await leaderboards.data(source: .sample)
            let model = BenchmarkIndexPage(imported: imported, sample: sample)
            return try renderer.render("benchmarks", chrome: renderer.chrome(title: "Benchmarks", section: "benchmarks"), page: model)
        }
    }
}

/// The model of `/benchmarks`.
struct BenchmarkIndexPage: Sendable {
    struct Entry: Sendable {
        var name: String
        var href: String
        var group: String
        var scoring: String
        var language: String
        var authorsItems: String?
        /// A built-in synthetic suite (its data is generated, never imported).
        var builtIn: Bool
        var importedItems: String?
        var importedSHA: String?
        var importedCheckpoints: Int
        var sampleItems: String?
        var sampleCheckpoints: Int
    }

    var entries: [Entry]

    init(imported: LeaderboardData, sample: LeaderboardData) {
        entries = BenchmarkDirectory.all.map { spec in
            let importedVersion = imported.rankedVersion(of: spec.name)
            let sampleVersion = sample.rankedVersion(of: spec.name)
            return Entry(
                name: spec.name, href: "/benchmarks/\(spec.name)", group: AverageScope.group(spec.group).title,
                scoring: spec.scoring.rawValue, language: spec.language == .zh ? "Chinese" : "English",
                authorsItems: spec.authorsItemCount.map(Format.count), builtIn: BenchmarkDirectory.isBuiltIn(spec.name),
                importedItems: importedVersion.map { Format.count($0.items) },
                importedSHA: importedVersion.map { Format.shortSHA($0.sha256) },
                importedCheckpoints: importedVersion.map { imported.latestResults(on: $0).count } ?? 0,
                sampleItems: sampleVersion.map { Format.count($0.items) },
                sampleCheckpoints: sampleVersion.map { sample.latestResults(on: $0).count } ?? 0)
        }
    }
}
