import Foundation
import Hummingbird
import NIOCore
import ServerCore

/// `GET /api/v1/leaderboard`: the ranking of `/` as JSON for scripts, with
/// the same `?data=`, `?sort=` and `?order=`, every row at once.
struct LeaderboardController: Sendable {
    let leaderboards: LeaderboardService
    let cache: RenderCache<ByteBuffer>

    struct Body: Encodable {
        struct Dataset: Encodable {
            var sha256: String
            var items: Int
            var source: DataSource
        }

        struct Benchmark: Encodable {
            var name: String
            var group: String
            /// The version ranked; null when this source has none.
            var dataset: Dataset?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(name, forKey: .name)
                try container.encode(group, forKey: .group)
                try container.encode(dataset, forKey: .dataset)  // null, not absent, as the contract says
            }

            enum CodingKeys: String, CodingKey { case name, group, dataset }
        }

        struct Result: Encodable {
            var evaluationID: Int64
            var passAt1: Double?
            var passAt5: Double?
            var ciLow: Double?
            var ciHigh: Double?
            var items: Int
            var samples: Int
            var metric: String

            enum CodingKeys: String, CodingKey {
                case items, samples, metric
                case evaluationID = "evaluation_id"
                case passAt1 = "pass_at_1"
                case passAt5 = "pass_at_5"
                case ciLow = "pass_at_1_ci_low"
                case ciHigh = "pass_at_1_ci_high"
            }

            /// Every score key is present, null when there is no value.
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(evaluationID, forKey: .evaluationID)
                try container.encode(passAt1, forKey: .passAt1)
                try container.encode(passAt5, forKey: .passAt5)
                try container.encode(ciLow, forKey: .ciLow)
                try container.encode(ciHigh, forKey: .ciHigh)
                try container.encode(items, forKey: .items)
                try container.encode(samples, forKey: .samples)
                try container.encode(metric, forKey: .metric)
            }
        }

        struct Average: Encodable {
            var passAt1: Double?
            var passAt5: Double?

            enum CodingKeys: String, CodingKey {
                case passAt1 = "pass_at_1"
                case passAt5 = "pass_at_5"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(passAt1, forKey: .passAt1)
                try container.encode(passAt5, forKey: .passAt5)
            }
        }

        struct Row: Encodable {
            struct Checkpoint: Encodable { var id: Int64; var name: String }
            var rank: Int?
            var checkpoint: Checkpoint
            /// Benchmark -> result; a benchmark without a result is absent.
            var results: [String: Result]
            var averages: [String: Average]

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(rank, forKey: .rank)
                try container.encode(checkpoint, forKey: .checkpoint)
                try container.encode(results, forKey: .results)
                try container.encode(averages, forKey: .averages)
            }

            enum CodingKeys: String, CodingKey { case rank, checkpoint, results, averages }
        }

        struct Reported: Encodable {
            var result: ReportedResult
            var averages: [String: Average]

            func encode(to encoder: any Encoder) throws {
                try result.encode(to: encoder)
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(averages, forKey: .averages)
            }

            enum CodingKeys: String, CodingKey { case averages }
        }

        var data: DataSource
        var sort: String
        var order: String
        var averagesRule: String
        var benchmarks: [Benchmark]
        var rows: [Row]
        var reported: [Reported]
        /// The `?protocol=` filter, when given.
        var `protocol`: String? = nil

        enum CodingKeys: String, CodingKey {
            case data, sort, order, benchmarks, rows, reported, `protocol`
            case averagesRule = "averages_rule"
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("leaderboard", use: show)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        var parsed = try LeaderboardService.query(request)
        parsed.page = 1
        let query = parsed
        let body = try await cache.value(for: "/api/v1/leaderboard?" + query.key, generation: leaderboards.generation.current) {
            [leaderboards] in
            let (board, _) = try await leaderboards.leaderboard(for: query)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var body = Self.body(of: board)
            body.protocol = query.protocol
            return ByteBuffer(bytes: try encoder.encode(body))
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    static func body(of board: Leaderboard) -> Body {
        func averages(_ values: [AverageScope: ScorePair]) -> [String: Body.Average] {
            Dictionary(uniqueKeysWithValues: AverageScope.all.map { scope in
                (scope.key, Body.Average(passAt1: values[scope]?.passAt1, passAt5: values[scope]?.passAt5))
            })
        }
        return Body(
            data: board.source, sort: board.sort.key, order: board.sort.order.rawValue,
            averagesRule: "mean over the scope's benchmarks that have a result in this ranking; null when the row misses any; missing is never zero",
            benchmarks: board.columns.map { column in
                Body.Benchmark(
                    name: column.spec.name, group: column.spec.group.rawValue,
                    dataset: column.version.map { .init(sha256: $0.sha256, items: $0.items, source: $0.source) })
            },
            rows: board.rows.map { row in
                Body.Row(
                    rank: row.rank, checkpoint: .init(id: row.checkpointID, name: row.name),
                    results: row.cells.mapValues { result in
                        Body.Result(
                            evaluationID: result.evaluationID, passAt1: result.scores.passAt1, passAt5: result.scores.passAt5,
                            ciLow: result.interval?.low, ciHigh: result.interval?.high, items: result.items,
                            samples: result.samples, metric: result.metric)
                    },
                    averages: averages(row.averages))
            },
            reported: board.reported.map { Body.Reported(result: $0.reported, averages: averages($0.averages)) })
    }
}
