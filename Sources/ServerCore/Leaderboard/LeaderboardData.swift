import Benchmarks
import Foundation

/// Which data a ranking is computed on: the imported full sets or the
/// project-authored sample sets. The two are never ranked together.
package enum DataSource: String, Sendable, CaseIterable, Codable {
    case imported, sample

    /// A label for pages.
    package var title: String {
        switch self {
        case .imported: "Imported full sets"
        case .sample: "Sample sets"
        }
    }
}

/// The two scores every result has.
package enum ScoreMetric: String, Sendable, CaseIterable, Codable {
    case passAt1 = "pass_at_1"
    case passAt5 = "pass_at_5"

    package var title: String {
        switch self {
        case .passAt1: "Pass@1"
        case .passAt5: "Pass@5"
        }
    }
}

/// A Pass@1 / Pass@5 pair, either of which may be missing.
package struct ScorePair: Sendable, Equatable {
    package var passAt1: Double?
    package var passAt5: Double?

    package subscript(metric: ScoreMetric) -> Double? {
        switch metric {
        case .passAt1: passAt1
        case .passAt5: passAt5
        }
    }
}

/// A dataset version as rankings see it.
package struct DatasetVersionInfo: Sendable, Equatable {
    package var benchmark: String
    package var sha256: String
    package var source: DataSource
    package var items: Int
    package var fileName: String?
    package var createdAt: String
    package var isActive: Bool
}

/// One measured result: a finished evaluation's scores on one benchmark,
/// covering every item of the dataset version it was pinned to.
package struct RankedResult: Sendable, Equatable {
    package var evaluationID: Int64
    package var checkpointID: Int64
    package var checkpointName: String
    package var benchmark: String
    package var datasetSHA256: String
    package var items: Int
    package var samples: Int
    package var scores: ScorePair
    package var interval: BootstrapInterval.Interval?
    package var metric: String
    package var finishedAt: String
}

/// Everything the rankings of one data source are computed from.
package struct LeaderboardData: Sendable {
    package var source: DataSource
    /// Every version of every benchmark from `source`.
    package var versions: [DatasetVersionInfo]
    /// Every full-coverage finished result on those versions, oldest first.
    package var results: [RankedResult]
    /// Results published elsewhere (shown with imported data only).
    package var reported: [ReportedResult]
    /// Whether any imported dataset exists (it makes `imported` the default).
    package var hasImported: Bool

    /// The version a benchmark's column ranks: the active version when it is
    /// from this source, else the newest version of this source that has
    /// results, else the newest version of this source.
    package func rankedVersion(of benchmark: String) -> DatasetVersionInfo? {
        let candidates = versions.filter { $0.benchmark == benchmark }
        if let active = candidates.first(where: \.isActive) { return active }
        let newestFirst = candidates.sorted { $0.createdAt > $1.createdAt }
        let withResults = Set(results.lazy.filter { $0.benchmark == benchmark }.map(\.datasetSHA256))
        return newestFirst.first { withResults.contains($0.sha256) } ?? newestFirst.first
    }

    /// Per checkpoint, its latest result on `version` (finished last wins).
    package func latestResults(on version: DatasetVersionInfo) -> [Int64: RankedResult] {
        var latest: [Int64: RankedResult] = [:]
        for result in results where result.benchmark == version.benchmark && result.datasetSHA256 == version.sha256 {
            latest[result.checkpointID] = result
        }
        return latest
    }
}
