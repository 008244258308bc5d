import Benchmarks
import ServerCore

/// The model of `/benchmarks/{name}`: one benchmark's ranking on one
/// dataset version, with a 95% bootstrap interval over items for Pass@1.
struct BenchmarkPage: Sendable {
    struct Version: Sendable {
        var sha256: String
        var shortSHA: String
        var items: String
        var fileName: String?
        var createdAt: String?
        var isActive: Bool
        var href: String
        var current: Bool
        var results: Int
    }

    struct Row: Sendable {
        var rank: String
        var name: String
        var href: String
        var evaluationHref: String
        var evaluationID: Int64
        var passAt1: String?
        var interval: String?
        var passAt5: String?
        var samples: Int
        var metric: String
        var finished: String?
    }

    struct Reported: Sendable {
        var name: String
        var sourceURL: String
        var passAt1: String?
        var passAt5: String?
    }

    var name: String
    var group: String
    var scoring: String
    var language: String
    var authorsItems: String?
    var sources: [LeaderboardPage.SourceLink]
    var sourceTitle: String
    var version: Version?
    var versions: [Version]
    var hasOtherVersions: Bool
    var metricLinks: [LeaderboardPage.SourceLink]
    var sortTitle: String
    var rows: [Row]
    var isEmpty: Bool
    var pager: Pager
    var reported: [Reported]
    var hasReported: Bool

    static let perPage = 100

    /// - Parameters:
    ///   - spec: the benchmark.
    ///   - data: the ranking data of the chosen source.
    ///   - version: the version ranked (nil when the source has none).
    ///   - metric: the ranking metric.
    ///   - page: the page of the ranking, 1-based, ``perPage`` rows each.
    init(spec: BenchmarkSpec, data: LeaderboardData, version: DatasetVersionInfo?, metric: ScoreMetric, page: Int) throws {
        let path = "/benchmarks/\(spec.name)"
        name = spec.name
        group = AverageScope.group(spec.group).title
        scoring = spec.scoring.rawValue
        language = spec.language == .zh ? "Chinese" : "English"
        authorsItems = spec.authorsItemCount.map(Format.count)
        sources = DataSource.allCases.map { option in
            .init(title: option.title, href: PageURL.make(path, [("data", option.rawValue)]), current: option == data.source)
        }
        sourceTitle = data.source.title.lowercased()
        let counts = Dictionary(grouping: data.results.filter { $0.benchmark == spec.name }, by: \.datasetSHA256)
        func view(_ info: DatasetVersionInfo) -> Version {
            Version(
                sha256: info.sha256, shortSHA: Format.shortSHA(info.sha256), items: Format.count(info.items),
                fileName: info.fileName, createdAt: Format.time(info.createdAt), isActive: info.isActive,
                href: PageURL.make(path, [("data", data.source.rawValue), ("dataset", info.sha256)]),
                current: info.sha256 == version?.sha256,
                results: Set(counts[info.sha256, default: []].map(\.checkpointID)).count)
        }
        self.version = version.map(view)
        versions = data.versions.filter { $0.benchmark == spec.name }.sorted { $0.createdAt > $1.createdAt }.map(view)
        hasOtherVersions = versions.count > 1
        metricLinks = ScoreMetric.allCases.map { option in
            .init(
                title: "Rank by \(option.title)",
                href: PageURL.make(path, [("data", data.source.rawValue), ("dataset", version?.sha256), ("sort", option.rawValue)]),
                current: option == metric)
        }
        sortTitle = metric.title
        let latest = version.map { data.latestResults(on: $0) } ?? [:]
        let ranked = Self.rank(Array(latest.values), by: metric)
        let pageCount = LeaderboardPage.pageCount(rows: ranked.count)
        guard page <= pageCount else {
            throw APIError.notFound("this ranking has \(pageCount) page\(pageCount == 1 ? "" : "s")")
        }
        let start = (page - 1) * Self.perPage
        rows = Array(ranked[start..<min(start + Self.perPage, ranked.count)])
        isEmpty = rows.isEmpty
        pager = Pager(page: page, perPage: Self.perPage, total: ranked.count) { number in
            PageURL.make(path, [
                ("data", data.source.rawValue), ("dataset", version?.sha256), ("sort", metric.rawValue), ("page", String(number)),
            ])
        }
        reported = data.reported.compactMap { entry in
            guard let scores = entry.scoresByBenchmark[spec.name] else { return nil }
            return Reported(
                name: entry.name, sourceURL: entry.sourceURL, passAt1: Format.percent(scores.passAt1),
                passAt5: Format.percent(scores.passAt5))
        }
        hasReported = !reported.isEmpty
    }

    /// Rows by `metric`, best first (missing last, then by name), with
    /// competition ranks.
    static func rank(_ results: [RankedResult], by metric: ScoreMetric) -> [Row] {
        let rows = results.map { result in
            Leaderboard.Row(
                rank: nil, checkpointID: result.checkpointID, name: result.checkpointName,
                cells: [result.benchmark: result], averages: [:])
        }
        let benchmark = results.first?.benchmark ?? ""
        let sorted = Leaderboard.sorted(rows, by: LeaderboardSort(field: .benchmark(benchmark), metric: metric, order: .desc))
        return sorted.compactMap { row in
            guard let result = row.cells[benchmark] else { return nil }
            return Row(
                rank: row.rank.map(String.init) ?? "–", name: row.name, href: "/checkpoints/\(row.checkpointID)",
                evaluationHref: "/evaluations/\(result.evaluationID)", evaluationID: result.evaluationID,
                passAt1: Format.percent(result.scores.passAt1),
                interval: result.interval.map { "\(Format.percent($0.low) ?? "")–\(Format.percent($0.high) ?? "")" },
                passAt5: Format.percent(result.scores.passAt5), samples: result.samples, metric: result.metric,
                finished: Format.time(result.finishedAt))
        }
    }
}
