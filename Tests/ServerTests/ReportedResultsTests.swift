import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// `/api/v1/reported-results`: published numbers entered by an admin, shown
/// beside measured results and never ranked with them.
@Suite("Reported results")
struct ReportedResultsTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    /// The AEPO paper's Qwen3-14B row, as fractions.
    static var paperRow: [String: Any] { [
        "name": "Qwen3-14B + AEPO (paper)", "source_url": "https://arxiv.org/abs/2510.14545", "note": "Table 2",
        "results": [
            ["benchmark": "gaia", "pass_at_1": 0.476, "pass_at_5": 0.650],
            ["benchmark": "hle", "pass_at_1": 0.112, "pass_at_5": 0.260],
            ["benchmark": "webwalker", "pass_at_1": 0.430, "pass_at_5": 0.700],
        ],
    ] }

    private func headers(_ token: String) -> HTTPFields {
        var headers = env.bearer(token)
        headers[.contentType] = "application/json"
        return headers
    }

    private func body(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    @Test func adminEntersListsShowsAndDeletes() async throws {
        try await env.application().test(.router) { client in
            let created = try await client.execute(
                uri: "/api/v1/reported-results", method: .post, headers: headers(env.adminToken), body: try body(Self.paperRow))
            #expect(created.status == .created)
            let row = try created.body.json(ReportedResult.self)
            #expect(row.results.map(\.benchmark) == ["webwalker", "gaia", "hle"], "leaderboard order")
            #expect(row.results.first { $0.benchmark == "gaia" }?.passAt1 == 0.476)
            let list = try await client.execute(uri: "/api/v1/reported-results", method: .get)
            struct List: Decodable { var reported_results: [ReportedResult]; var next: String? }
            #expect(try list.body.json(List.self).reported_results == [row])
            let one = try await client.execute(uri: "/api/v1/reported-results/\(row.id)", method: .get)
            #expect(try one.body.json(ReportedResult.self) == row)

            // Beside the ranking in the JSON and on the page, never ranked.
            let board = try await client.execute(uri: "/api/v1/leaderboard?data=imported", method: .get)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: board.body)) as? [String: Any]
            #expect((json?["rows"] as? [Any])?.isEmpty == true)
            let reported = (json?["reported"] as? [[String: Any]])?.first
            #expect(reported?["name"] as? String == "Qwen3-14B + AEPO (paper)")
            #expect((reported?["averages"] as? [String: Any])?["overall"] != nil)
            let page = String(buffer: try await client.execute(uri: "/?data=imported", method: .get).body)
            #expect(page.contains(#"<tbody class="reported">"#))
            #expect(page.contains(#"href="https://arxiv.org/abs/2510.14545""#))
            #expect(page.contains("<td>47.6</td>"))
            let sample = String(buffer: try await client.execute(uri: "/?data=sample", method: .get).body)
            #expect(!sample.contains(#"<tbody class="reported">"#))
            #expect(sample.contains("1 reported row(s)"))
            let benchmark = String(buffer: try await client.execute(uri: "/benchmarks/gaia?data=imported", method: .get).body)
            #expect(benchmark.contains("Reported elsewhere"))

            let deleted = try await client.execute(
                uri: "/api/v1/reported-results/\(row.id)", method: .delete, headers: env.adminHeaders)
            #expect(deleted.status == .noContent)
            let gone = try await client.execute(uri: "/api/v1/reported-results/\(row.id)", method: .get)
            #expect(gone.status == .notFound)
            let again = try await client.execute(uri: "/api/v1/reported-results/\(row.id)", method: .delete, headers: env.adminHeaders)
            #expect(again.status == .notFound)
            let after = String(buffer: try await client.execute(uri: "/?data=imported", method: .get).body)
            #expect(!after.contains(#"<tbody class="reported">"#), "the cached page was invalidated by the delete")
        }
    }

    @Test func onlyAdminsWriteAndBadRowsAreRefused() async throws {
        let writer = try env.token(role: .write)
        try await env.application().test(.router) { client in
            let anonymous = try await client.execute(uri: "/api/v1/reported-results", method: .post, body: try body(Self.paperRow))
            #expect(anonymous.status == .unauthorized)
            let write = try await client.execute(
                uri: "/api/v1/reported-results", method: .post, headers: headers(writer), body: try body(Self.paperRow))
            #expect(write.status == .forbidden)
            let delete = try await client.execute(uri: "/api/v1/reported-results/1", method: .delete, headers: env.bearer(writer))
            #expect(delete.status == .forbidden)

            func variant(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
                var row = Self.paperRow
                change(&row)
                return row
            }
            let cases: [([String: Any], String)] = [
                (variant { $0["results"] = [["benchmark": "gaia", "pass_at_1": 47.6]] }, "invalid_reported_result"),
                (variant { $0["results"] = [["benchmark": "mmlu", "pass_at_1": 0.5]] }, "unknown_benchmark"),
                (variant { $0["results"] = [["benchmark": "gaia"]] }, "invalid_reported_result"),
                (variant { $0["results"] = [] }, "invalid_reported_result"),
                (variant { $0["results"] = [["benchmark": "gaia", "pass_at_1": 0.5], ["benchmark": "gaia", "pass_at_5": 0.6]] }, "invalid_reported_result"),
                (variant { $0["source_url"] = "javascript:alert(1)" }, "invalid_source_url"),
                (variant { $0["source_url"] = "/relative" }, "invalid_source_url"),
                (variant { $0["name"] = "line\nbreak" }, "invalid_name"),
                (variant { $0["extra"] = 1 }, "unknown_field"),
                (variant { $0["results"] = [["benchmark": "gaia", "pass_at_1": 0.5, "pass@1": 0.5]] }, "unknown_field"),
                (variant { $0.removeValue(forKey: "source_url") }, "malformed_json"),
            ]
            for (row, code) in cases {
                let response = try await client.execute(
                    uri: "/api/v1/reported-results", method: .post, headers: headers(env.adminToken), body: try body(row))
                #expect(response.status == .badRequest, "\(row)")
                #expect(response.body.errorCode == code, "\(row): \(String(buffer: response.body))")
            }
            let listed = try await client.execute(uri: "/api/v1/reported-results", method: .get)
            #expect(String(buffer: listed.body) == #"{"next":null,"reported_results":[]}"#)
        }
    }
}
