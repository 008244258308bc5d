import Benchmarks
import Testing

@testable import Server
@testable import ServerCore

/// The ranking rules, on hand-made data: versions, latest results, averages
/// that never treat a missing cell as zero, sorting and ranks.
@Suite("Leaderboard rules")
struct LeaderboardTests {
    static func version(_ benchmark: String, _ sha: String, active: Bool = true, created: String = "2025-01-01") -> DatasetVersionInfo {
        DatasetVersionInfo(benchmark: benchmark, sha256: sha, source: .imported, items: 10, fileName: nil, createdAt: created, isActive: active)
    }

    static func result(
        _ checkpoint: Int64, _ benchmark: String, _ p1: Double?, _ p5: Double? = nil, sha: String? = nil, evaluation: Int64? = nil
    ) -> RankedResult {
        RankedResult(
            evaluationID: evaluation ?? checkpoint * 100, checkpointID: checkpoint, checkpointName: "ckpt-\(checkpoint)",
            benchmark: benchmark, datasetSHA256: sha ?? "\(benchmark)-v1", items: 10, samples: 5,
            scores: ScorePair(passAt1: p1, passAt5: p5), interval: nil, metric: "math-equal", finishedAt: "")
    }

    static func data(_ results: [RankedResult], versions: [DatasetVersionInfo]? = nil, reported: [ReportedResult] = []) -> LeaderboardData {
        let names = Set(results.map(\.benchmark))
        return LeaderboardData(
            source: .imported, versions: versions ?? names.map { version($0, "\($0)-v1") }, results: results,
            reported: reported, hasImported: true)
    }

    @Test func averagesCoverPresentColumnsAndAreMissingWhenARowMissesOne() {
        let board = Leaderboard.build(from: Self.data([
            Self.result(1, "gsm8k", 0.8, 0.9), Self.result(1, "aime24", 0.2, 0.5), Self.result(1, "gaia", 0.4, 0.6),
            Self.result(2, "gsm8k", 0.6, 0.7),
        ]), sort: .default)
        let one = try? #require(board.rows.first { $0.checkpointID == 1 })
        let two = try? #require(board.rows.first { $0.checkpointID == 2 })
        #expect(one?.averages[.group(.math)] == ScorePair(passAt1: 0.5, passAt5: 0.7))
        #expect(one?.averages[.overall]?.passAt1 == (0.8 + 0.2 + 0.4) / 3)
        #expect(one?.averages[.group(.knowledge)] == ScorePair(passAt1: nil, passAt5: nil), "no knowledge result in this ranking")
        #expect(two?.averages[.group(.math)] == ScorePair(passAt1: nil, passAt5: nil), "misses aime24: no average, not 0.3")
        #expect(two?.averages[.overall]?.passAt1 == nil)
        #expect(board.averaged[.passAt1]?[.overall] == ["aime24", "gsm8k", "gaia"])
        // Sorted by overall Pass@1: the row without one comes last, unranked.
        #expect(board.rows.map(\.checkpointID) == [1, 2])
        #expect(board.rows.map(\.rank) == [1, nil])
    }

    @Test func sortingOrdersMissingLastAndSharesRanksOnTies() throws {
        let data = Self.data([
            Self.result(1, "gsm8k", 0.5), Self.result(2, "gsm8k", 0.9), Self.result(3, "gsm8k", 0.5),
            Self.result(4, "aime24", 0.1),
        ])
        let descending = Leaderboard.build(from: data, sort: try LeaderboardSort.parse(sort: "gsm8k.pass_at_1", order: nil))
        #expect(descending.rows.map(\.checkpointID) == [2, 1, 3, 4])
        #expect(descending.rows.map(\.rank) == [1, 2, 2, nil])
        let ascending = Leaderboard.build(from: data, sort: try LeaderboardSort.parse(sort: "gsm8k.pass_at_1", order: "asc"))
        #expect(ascending.rows.map(\.checkpointID) == [1, 3, 2, 4])
        #expect(ascending.rows.map(\.rank) == [1, 1, 3, nil])
        let byName = Leaderboard.build(from: data, sort: try LeaderboardSort.parse(sort: "name", order: "desc"))
        #expect(byName.rows.map(\.checkpointID) == [4, 3, 2, 1])
    }

    @Test func latestResultWinsAndOnlyTheRankedVersionCounts() {
        let versions = [
            Self.version("gsm8k", "old", active: false, created: "2025-01-01"), Self.version("gsm8k", "new", created: "2025-02-01"),
        ]
        let data = Self.data([
            Self.result(1, "gsm8k", 0.1, sha: "new", evaluation: 10), Self.result(1, "gsm8k", 0.3, sha: "new", evaluation: 11),
            Self.result(2, "gsm8k", 0.9, sha: "old", evaluation: 12),
        ], versions: versions)
        #expect(data.rankedVersion(of: "gsm8k")?.sha256 == "new")
        let board = Leaderboard.build(from: data, sort: .default)
        #expect(board.rows.count == 1, "the result on the old version is not ranked with the new")
        #expect(board.rows.first?.cells["gsm8k"]?.evaluationID == 11)
        // Without an active version of this source, the newest version with results is ranked.
        let inactive = Self.data(data.results, versions: versions.map { var version = $0; version.isActive = false; return version })
        #expect(inactive.rankedVersion(of: "gsm8k")?.sha256 == "new")
    }

    @Test func reportedRowsAreBesideNeverInTheRanking() {
        let reported = ReportedResult(
            id: 1, name: "paper", sourceURL: "https://example.org", note: nil,
            results: [.init(benchmark: "gaia", passAt1: 0.476, passAt5: 0.65)], createdAt: "")
        var data = Self.data([Self.result(1, "gaia", 0.3)], reported: [reported])
        let board = Leaderboard.build(from: data, sort: .default)
        #expect(board.rows.map(\.checkpointID) == [1])
        #expect(board.reported.first?.averages[.overall]?.passAt1 == 0.476)
        data.source = .sample
        #expect(Leaderboard.build(from: data, sort: .default).reported.isEmpty, "published numbers are on full sets")
    }

    @Test func sortParameterIsValidated() throws {
        #expect(try LeaderboardSort.parse(sort: nil, order: nil) == .default)
        #expect(try LeaderboardSort.parse(sort: "deep-search.pass_at_5", order: "asc")
            == LeaderboardSort(field: .average(.group(.deepSearch)), metric: .passAt5, order: .asc))
        #expect(try LeaderboardSort.parse(sort: "name", order: nil).order == .asc)
        for bad in ["gsm8k", "gsm8k.pass_at_3", "mmlu.pass_at_1", "overall", "name.pass_at_1"] {
            #expect(throws: LeaderboardQueryError.self, "\(bad)") { try LeaderboardSort.parse(sort: bad, order: nil) }
        }
        #expect(throws: LeaderboardQueryError.self) { try LeaderboardSort.parse(sort: nil, order: "up") }
        #expect(LeaderboardSort.validKeys.count == 1 + 2 * (4 + 14))
    }

    @Test func percentagesAreFormattedOnce() {
        #expect(Format.percent(0.4756) == "47.6")
        #expect(Format.percent(1) == "100.0")
        #expect(Format.percent(0) == "0.0")
        #expect(Format.percent(0.0004) == "0.0")
        #expect(Format.percent(nil) == nil)
        #expect(Format.percent(.nan) == nil)
        #expect(Format.count(1319) == "1,319")
        #expect(Format.count(1_000_000) == "1,000,000")
    }
}
