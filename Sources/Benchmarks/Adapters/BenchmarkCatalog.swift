/// The 14 benchmark adapters, in the order the leaderboard lists them.
public enum BenchmarkCatalog {
    /// Every adapter, in leaderboard order: the math sets, the knowledge QA
    /// sets, then the deep-search sets.
    public static let all: [BenchmarkSpec] = [
        math("aime24", items: 30),
        math("aime25", items: 30),
        math("math500", items: 500),
        BenchmarkSpec(
            name: "gsm8k", group: .math, scoring: .mathEqual,
            answerFormat: .gsm8kRationale, authorsItemCount: 1319),
        math("math", items: nil),
        qa("hotpotqa", group: .knowledge, items: 200),
        qa("2wiki", group: .knowledge, items: 200),
        qa("musique", group: .knowledge, items: 200),
        qa("bamboogle", group: .knowledge, items: 125),
        qa("webwalker", group: .deepSearch, items: 200),
        BenchmarkSpec(name: "gaia", group: .deepSearch, scoring: .gaia, authorsItemCount: 103),
        BenchmarkSpec(name: "hle", group: .deepSearch, scoring: .exactMatch, authorsItemCount: 500),
        qa("xbench", group: .deepSearch, language: .zh, items: 100),
        qa("simpleqa", group: .deepSearch, items: 500),
    ]

    /// The adapter names, in leaderboard order.
    public static var names: [String] { all.map(\.name) }

    /// The groups the adapters fall in, in leaderboard order (math,
    /// knowledge, deep-search): the groups rankings average over.
    public static var groups: [BenchmarkSpec.Group] {
        BenchmarkSpec.Group.allCases.filter { group in all.contains { $0.group == group } }
    }

    /// Looks an adapter up by its exact name.
    /// - Parameter name: an adapter name such as `"gsm8k"`.
    /// - Returns: the adapter's spec.
    /// - Throws: `CatalogError.unknownBenchmark` listing the valid names.
    public static func spec(named name: String) throws(CatalogError) -> BenchmarkSpec {
        guard let spec = all.first(where: { $0.name == name }) else {
            throw CatalogError.unknownBenchmark(name: name, valid: names)
        }
        return spec
    }

    private static func math(_ name: String, items: Int?) -> BenchmarkSpec {
        BenchmarkSpec(
            name: name, group: .math, scoring: .mathEqual,
            answerFormat: .latex, authorsItemCount: items)
    }

    private static func qa(
        _ name: String, group: BenchmarkSpec.Group, language: BenchmarkSpec.Language = .en,
        items: Int
    ) -> BenchmarkSpec {
        BenchmarkSpec(
            name: name, group: group, scoring: .qa, language: language,
            authorsItemCount: items)
    }
}

/// A benchmark name that is not one of the catalog's adapters.
public enum CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `name` is unknown; `valid` lists the adapter names.
    case unknownBenchmark(name: String, valid: [String])

    public var description: String {
        switch self {
        case .unknownBenchmark(let name, let valid):
            return "unknown benchmark \"\(name)\"; valid names: \(valid.joined(separator: ", "))"
        }
    }
}
