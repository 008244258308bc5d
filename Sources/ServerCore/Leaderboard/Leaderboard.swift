import Benchmarks
import Foundation

/// One ranking: a row per checkpoint with its latest full-coverage result on
/// each benchmark's ranked dataset version, group and overall averages, and
/// the reported rows beside it (never ranked).
///
/// Averages never treat a missing cell as zero. For each metric, an average
/// is over the benchmarks of its scope that have at least one result in this
/// ranking; a row missing any of them has no average (shown as missing), and
/// rows without a value in the sort column come last, unranked.
package struct Leaderboard: Sendable {
    package struct Column: Sendable {
        package var spec: BenchmarkSpec
        /// The version this column ranks; nil when the source has none.
        package var version: DatasetVersionInfo?
    }

    package struct Row: Sendable {
        /// Competition rank by the sort column (1, 2, 2, 4); nil without a value.
        package var rank: Int?
        package var checkpointID: Int64
        package var name: String
        package var cells: [String: RankedResult]
        package var averages: [AverageScope: ScorePair]

        package init(rank: Int?, checkpointID: Int64, name: String, cells: [String: RankedResult], averages: [AverageScope: ScorePair]) {
            self.rank = rank
            self.checkpointID = checkpointID
            self.name = name
            self.cells = cells
            self.averages = averages
        }
    }

    package struct ReportedRow: Sendable {
        package var reported: ReportedResult
        package var averages: [AverageScope: ScorePair]
    }

    package var source: DataSource
    package var sort: LeaderboardSort
    package var columns: [Column]
    package var rows: [Row]
    package var reported: [ReportedRow]
    /// Per metric and scope, the benchmarks its averages are taken over.
    package var averaged: [ScoreMetric: [AverageScope: [String]]]

    /// Builds and sorts the ranking of `data`.
    package static func build(from data: LeaderboardData, sort: LeaderboardSort) -> Leaderboard {
        let columns = BenchmarkCatalog.all.map { Column(spec: $0, version: data.rankedVersion(of: $0.name)) }
        var cellsByCheckpoint: [Int64: (name: String, cells: [String: RankedResult])] = [:]
        for column in columns {
            guard let version = column.version else { continue }
            for (checkpoint, result) in data.latestResults(on: version) {
                cellsByCheckpoint[checkpoint, default: (result.checkpointName, [:])].cells[column.spec.name] = result
            }
        }
        let averaged = averagedBenchmarks(columns: columns, cells: cellsByCheckpoint.values.map(\.cells))
        var rows = cellsByCheckpoint.map { id, entry in
            Row(rank: nil, checkpointID: id, name: entry.name, cells: entry.cells,
                averages: averages(of: entry.cells.mapValues(\.scores), over: averaged))
        }
        rows = sorted(rows, by: sort)
        let reported = data.source == .imported
            ? data.reported.map { ReportedRow(reported: $0, averages: averages(of: $0.scoresByBenchmark, over: averaged)) }
            : []
        return Leaderboard(source: data.source, sort: sort, columns: columns, rows: rows, reported: reported, averaged: averaged)
    }

    /// Per metric and scope, the benchmarks with at least one value in `cells`.
    package static func averagedBenchmarks(columns: [Column], cells: [[String: RankedResult]]) -> [ScoreMetric: [AverageScope: [String]]] {
        var averaged: [ScoreMetric: [AverageScope: [String]]] = [:]
        for metric in ScoreMetric.allCases {
            let present = columns.map(\.spec).filter { spec in cells.contains { $0[spec.name]?.scores[metric] != nil } }
            var byScope: [AverageScope: [String]] = [.overall: present.map(\.name)]
            for group in BenchmarkCatalog.groups {
                byScope[.group(group)] = present.filter { $0.group == group }.map(\.name)
            }
            averaged[metric] = byScope
        }
        return averaged
    }

    /// The averages of one row: the mean over a scope's averaged benchmarks,
    /// nil when the scope has none or the row misses any of them.
    package static func averages(of scores: [String: ScorePair], over averaged: [ScoreMetric: [AverageScope: [String]]]) -> [AverageScope: ScorePair] {
        var result: [AverageScope: ScorePair] = [:]
        for scope in AverageScope.all {
            var pair = ScorePair()
            for metric in ScoreMetric.allCases {
                let names = averaged[metric]?[scope] ?? []
                let values = names.compactMap { scores[$0]?[metric] }
                guard !names.isEmpty, values.count == names.count else { continue }
                let mean = values.reduce(0, +) / Double(values.count)
                if metric == .passAt1 { pair.passAt1 = mean } else { pair.passAt5 = mean }
            }
            result[scope] = pair
        }
        return result
    }

    /// The value of `row` in the sort column (nil for `name` and missing cells).
    package static func value(of row: Row, for sort: LeaderboardSort) -> Double? {
        switch sort.field {
        case .name: nil
        case .benchmark(let name): row.cells[name]?.scores[sort.metric]
        case .average(let scope): row.averages[scope]?[sort.metric]
        }
    }

    /// Sorts rows and assigns ranks. Missing values go last in either order;
    /// ties are broken by name (case-insensitively), then by checkpoint id.
    package static func sorted(_ rows: [Row], by sort: LeaderboardSort) -> [Row] {
        let descending = sort.order == .desc
        let keyed = rows.map { (row: $0, name: $0.name.lowercased(), value: value(of: $0, for: sort)) }
        func nameOrder(_ a: (row: Row, name: String, value: Double?), _ b: (row: Row, name: String, value: Double?)) -> Bool {
            if a.name != b.name { return a.name < b.name }
            if a.row.name != b.row.name { return a.row.name < b.row.name }
            return a.row.checkpointID < b.row.checkpointID
        }
        var sorted = keyed.sorted { a, b in
            if sort.field == .name { return descending ? nameOrder(b, a) : nameOrder(a, b) }
            switch (a.value, b.value) {
            case let (x?, y?) where x != y: return descending ? x > y : x < y
            case (.some, .none): return true
            case (.none, .some): return false
            default: return nameOrder(a, b)
            }
        }.map(\.row)
        var previous: Double?
        for index in sorted.indices {
            if sort.field == .name {
                sorted[index].rank = index + 1
                continue
            }
            guard let current = value(of: sorted[index], for: sort) else { break }
            sorted[index].rank = current == previous ? sorted[index - 1].rank : index + 1
            previous = current
        }
        return sorted
    }
}
