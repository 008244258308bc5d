import Benchmarks
import ServerCore

/// The column layout of the ranking table: rank, checkpoint, the overall
/// average, then per group its average and its benchmarks, each as a
/// Pass@1 / Pass@5 pair.
struct TableLayout: Sendable {
    let columns: [Leaderboard.Column]
    let averaged: [ScoreMetric: [AverageScope: [String]]]

    var groups: [(group: BenchmarkSpec.Group, specs: [BenchmarkSpec])] {
        BenchmarkCatalog.groups.map { group in (group, columns.map(\.spec).filter { $0.group == group }) }
    }

    /// Columns in all: rank, name, then two per average and per benchmark.
    var columnCount: Int { 2 + 2 * (1 + groups.count + columns.count) }

    /// "Overall Pass@1", "Math average Pass@5", "gsm8k Pass@1".
    func title(of sort: LeaderboardSort) -> String {
        switch sort.field {
        case .name: "name"
        case .average(.overall): "Overall \(sort.metric.title)"
        case .average(let scope): "\(scope.title) average \(sort.metric.title)"
        case .benchmark(let name): "\(name) \(sort.metric.title)"
        }
    }

    /// What a scope's averages are over, for its header's tooltip.
    func averageTitle(_ scope: AverageScope) -> String {
        let names = averaged[.passAt1]?[scope] ?? []
        return names.isEmpty ? "No results to average yet" : "Mean of \(names.joined(separator: ", ")); missing any: no average"
    }

    /// The three header rows: groups, benchmarks, metrics (sort links,
    /// keeping the `?protocol=` filter when there is one).
    func headerRows(sort: LeaderboardSort, source: DataSource, protocol label: String? = nil) -> [HeaderRow] {
        func link(_ field: LeaderboardSort.Field, _ metric: ScoreMetric) -> (href: String, ariaSort: String?) {
            let current = sort.field == field && (field == .name || sort.metric == metric)
            let defaultOrder: LeaderboardSort.Order = field == .name ? .asc : .desc
            let order = current ? (sort.order == .asc ? LeaderboardSort.Order.desc : .asc) : defaultOrder
            let href = PageURL.make(
                "/", [("data", source.rawValue), ("sort", LeaderboardSort.key(field, metric)), ("order", order.rawValue), ("protocol", label)])
            return (href, current ? (sort.order == .asc ? "ascending" : "descending") : nil)
        }
        let nameLink = link(.name, .passAt1)
        var top = [
            HeaderCell(text: "#", scope: "col", rowspan: 3, title: "Rank by the sorted column"),
            HeaderCell(
                text: "Checkpoint", href: nameLink.href, scope: "col", rowspan: 3, title: "Sort by name",
                ariaSort: nameLink.ariaSort, cls: "name"),
            HeaderCell(text: "Overall", scope: "colgroup", colspan: 2, rowspan: 2, title: averageTitle(.overall), cls: "g"),
        ]
        var middle: [HeaderCell] = []
        var bottom: [HeaderCell] = []
        func metricCells(_ field: LeaderboardSort.Field, first: Bool) -> [HeaderCell] {
            ScoreMetric.allCases.enumerated().map { index, metric in
                let target = link(field, metric)
                return HeaderCell(
                    text: metric == .passAt1 ? "P@1" : "P@5", href: target.href, scope: "col",
                    title: "Sort by \(title(of: LeaderboardSort(field: field, metric: metric, order: .desc)))",
                    ariaSort: target.ariaSort, cls: first && index == 0 ? "g" : nil)
            }
        }
        bottom += metricCells(.average(.overall), first: true)
        for (group, specs) in groups {
            let scope = AverageScope.group(group)
            top.append(HeaderCell(text: scope.title, scope: "colgroup", colspan: 2 * (1 + specs.count), cls: "g"))
            middle.append(HeaderCell(
                text: "Average", scope: "colgroup", colspan: 2, title: averageTitle(scope), cls: "g avg"))
            bottom += metricCells(.average(scope), first: true)
            for spec in specs {
                let version = columns.first { $0.spec.name == spec.name }?.version
                let detail = version.map { "\(Format.count($0.items)) items, dataset \(Format.shortSHA($0.sha256))" }
                middle.append(HeaderCell(
                    text: spec.name, href: PageURL.make("/benchmarks/\(spec.name)", [("data", source.rawValue)]),
                    scope: "colgroup", colspan: 2, title: detail ?? "no \(source.rawValue) dataset"))
                bottom += metricCells(.benchmark(spec.name), first: false)
            }
        }
        return [HeaderRow(cells: top), HeaderRow(cells: middle), HeaderRow(cells: bottom)]
    }

    /// The score cells of one row, in column order.
    func cells(scores: [String: ScorePair], results: [String: RankedResult], averages: [AverageScope: ScorePair]) -> [ScoreCell] {
        var cells = averageCells(.overall, averages: averages, scores: scores)
        for (group, specs) in groups {
            cells += averageCells(.group(group), averages: averages, scores: scores)
            for spec in specs {
                for metric in ScoreMetric.allCases {
                    cells.append(resultCell(spec.name, metric: metric, score: scores[spec.name]?[metric], result: results[spec.name]))
                }
            }
        }
        return cells
    }

    private func averageCells(_ scope: AverageScope, averages: [AverageScope: ScorePair], scores: [String: ScorePair]) -> [ScoreCell] {
        ScoreMetric.allCases.enumerated().map { index, metric in
            let cls = index == 0 ? "avg g" : "avg"
            guard let text = Format.percent(averages[scope]?[metric]) else {
                let names = averaged[metric]?[scope] ?? []
                if names.isEmpty { return .missing("no results", cls: cls) }
                let absent = names.filter { scores[$0]?[metric] == nil }
                return .missing("missing \(absent.joined(separator: ", "))", cls: cls)
            }
            return ScoreCell(text: text, title: nil, cls: cls)
        }
    }

    /// A result cell: kept short (a page has thousands); the evaluation it
    /// links to has the details.
    private func resultCell(_ benchmark: String, metric: ScoreMetric, score: Double?, result: RankedResult?) -> ScoreCell {
        guard let text = Format.percent(score) else {
            return .missing(result == nil ? "no result" : "needs 5 samples per item")
        }
        guard let result else { return ScoreCell(text: text, title: nil, cls: nil) }
        return ScoreCell(text: text, href: "/evaluations/\(result.evaluationID)", title: nil, cls: nil)
    }
}
