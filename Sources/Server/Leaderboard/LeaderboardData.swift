import Benchmarks
import Foundation

/// Which data a ranking is computed on: the imported full sets or the
/// project-authored sample sets. The two are never ranked together.
enum DataSource: String, Sendable, CaseIterable, Codable {
    case imported, sample

    /// A label for pages.
    var title: String {
        switch self {
        case .imported: "Imported full sets"
        case .sample: "Sample sets"
        }
    }
}

/// The two scores every result has.
enum ScoreMetric: String, Sendable, CaseIterable, Codable {
    case passAt1 = "pass_at_1"
    case passAt5 = "pass_at_5"

    var title: String {
        switch self {
        case .passAt1: "Pass@1"
        case .passAt5: "Pass@5"
        }
    }
}

/// A Pass@1 / Pass@5 pair, either of which may be missing.
struct ScorePair: Sendable, Equatable {
    var passAt1: Double?
    var passAt5: Double?

    subscript(metric: ScoreMetric) -> Double? {
        switch metric {
        case .passAt1: passAt1
        case .passAt5: passAt5
        }
    }
}

/// A dataset version as rankings see it.
struct DatasetVersionInfo: Sendable, Equatable {
    var benchmark: String
    var sha256: String
    var source: DataSource
    var items: Int
    var fileName: String?
    var createdAt: String
    var isActive: Bool
}

/// One measured result: a finished evaluation's scores on one benchmark,
/// covering every item of the dataset version it was pinned to.
struct RankedResult: Sendable, Equatable {
    var evaluationID: Int64
    var checkpointID: Int64
    var checkpointName: String
    var benchmark: String
    var datasetSHA256: String
    var items: Int
    var samples: Int
    var scores: ScorePair
    var interval: BootstrapInterval.Interval?
    var metric: String
    var finishedAt: String
}

/// Everything the rankings of one data source are computed from.
struct LeaderboardData: Sendable {
    var source: DataSource
    /// Every version of every benchmark from `source`.
    var versions: [DatasetVersionInfo]
    /// Every full-coverage finished result on those versions, oldest first.
    var results: [RankedResult]
    /// Results published elsewhere (shown with imported data only).
    var reported: [ReportedResult]
    /// Whether any imported dataset exists (it makes `imported` the default).
    var hasImported: Bool

    /// The version a benchmark's column ranks: the active version when it is
    /// from this source, else the newest version of this source that has
    /// results, else the newest version of this source.
    func rankedVersion(of benchmark: String) -> DatasetVersionInfo? {
        let candidates = versions.filter { $0.benchmark == benchmark }
        if let active = candidates.first(where: \.isActive) { return active }
        let newestFirst = candidates.sorted { $0.createdAt > $1.createdAt }
        let withResults = Set(results.lazy.filter { $0.benchmark == benchmark }.map(\.datasetSHA256))
        return newestFirst.first { withResults.contains($0.sha256) } ?? newestFirst.first
    }

    /// Per checkpoint, its latest result on `version` (finished last wins).
    func latestResults(on version: DatasetVersionInfo) -> [Int64: RankedResult] {
        var latest: [Int64: RankedResult] = [:]
        for result in results where result.benchmark == version.benchmark && result.datasetSHA256 == version.sha256 {
            latest[result.checkpointID] = result
        }
        return latest
    }
}
