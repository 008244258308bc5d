import Benchmarks

/// What a ranking averages over: one group of benchmarks, or all of them.
package enum AverageScope: Hashable, Sendable {
    case group(BenchmarkSpec.Group)
    case overall

    /// Overall, then the adapters' groups (the synthetic suites are never averaged).
    package static let all: [AverageScope] = [.overall] + BenchmarkCatalog.groups.map { .group($0) }

    /// `math`, `knowledge`, `deep-search` or `overall`: the key in URLs and JSON.
    package var key: String {
        switch self {
        case .group(let group): group.rawValue
        case .overall: "overall"
        }
    }

    package var title: String {
        switch self {
        case .group(.math): "Math"
        case .group(.knowledge): "Knowledge"
        case .group(.deepSearch): "Deep search"
        case .group(.synthetic): "Synthetic"
        case .overall: "Overall"
        }
    }
}

/// A query parameter that does not name a valid choice.
package struct LeaderboardQueryError: Error, Equatable, CustomStringConvertible {
    package let description: String
}

/// The column a ranking is sorted by, `?sort=<column>&order=asc|desc`.
///
/// Columns are `name`, `<benchmark>.pass_at_1|pass_at_5` and
/// `<math|knowledge|deep-search|overall>.pass_at_1|pass_at_5`. Rows without a
/// value in the sort column come last in either order and get no rank.
package struct LeaderboardSort: Sendable, Equatable {
    package enum Field: Sendable, Equatable {
        case name
        case benchmark(String)
        case average(AverageScope)
    }

    package enum Order: String, Sendable, CaseIterable {
        case asc, desc
    }

    package var field: Field
    package var metric: ScoreMetric
    package var order: Order

    package init(field: Field, metric: ScoreMetric, order: Order) {
        self.field = field
        self.metric = metric
        self.order = order
    }

    /// Overall Pass@1, best first.
    package static let `default` = LeaderboardSort(field: .average(.overall), metric: .passAt1, order: .desc)

    /// The `sort` parameter's value for this column.
    package var key: String { Self.key(field, metric) }

    package static func key(_ field: Field, _ metric: ScoreMetric) -> String {
        switch field {
        case .name: "name"
        case .benchmark(let name): "\(name).\(metric.rawValue)"
        case .average(let scope): "\(scope.key).\(metric.rawValue)"
        }
    }

    /// Every valid `sort` value.
    package static var validKeys: [String] {
        let fields: [Field] = AverageScope.all.map { .average($0) } + BenchmarkCatalog.names.map { .benchmark($0) }
        return ["name"] + fields.flatMap { field in ScoreMetric.allCases.map { key(field, $0) } }
    }

    /// Parses `?sort=` and `?order=`; absent values take the defaults (scores
    /// descending, names ascending).
    package static func parse(sort: String?, order: String?) throws(LeaderboardQueryError) -> LeaderboardSort {
        var result = LeaderboardSort.default
        if let sort, !sort.isEmpty {
            if sort == "name" {
                result = LeaderboardSort(field: .name, metric: .passAt1, order: .asc)
            } else {
                let parts = sort.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2, let metric = ScoreMetric(rawValue: parts[1]) else { throw invalidSort(sort) }
                if let scope = AverageScope.all.first(where: { $0.key == parts[0] }) {
                    result = LeaderboardSort(field: .average(scope), metric: metric, order: .desc)
                } else if BenchmarkCatalog.names.contains(parts[0]) {
                    result = LeaderboardSort(field: .benchmark(parts[0]), metric: metric, order: .desc)
                } else {
                    throw invalidSort(sort)
                }
            }
        }
        if let order, !order.isEmpty {
            guard let parsed = Order(rawValue: order) else {
                throw LeaderboardQueryError(description: "order must be asc or desc, not \"\(order)\"")
            }
            result.order = parsed
        }
        return result
    }

    private static func invalidSort(_ value: String) -> LeaderboardQueryError {
        LeaderboardQueryError(
            description: "unknown sort column \"\(value)\"; use name, <benchmark>.pass_at_1|pass_at_5 or "
                + "<math|knowledge|deep-search|overall>.pass_at_1|pass_at_5")
    }
}
