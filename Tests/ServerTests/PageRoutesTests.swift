import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// The HTML pages on an in-process app seeded with real evaluations against
/// the scripted model: what they show, how they link, sort and page.
@Suite("HTML pages")
struct PageRoutesTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    /// "alpha" scores the fixture's known Pass@k on imported gsm8k; "beta"
    /// (another seed, so every answer is wrong) scores 0; alpha also runs
    /// the aime24 sample set.
    struct Seeded {
        var alpha: Int64
        var beta: Int64
        var alphaGSM8K: EvaluationView
        var betaGSM8K: EvaluationView
        var alphaSample: EvaluationView
    }

    private func seed(_ seed: PageSeed, port: Int) async throws -> Seeded {
        try await seed.importDataset("gsm8k", EvaluationFixture.gsm8k)
        let alpha = try await seed.register("alpha", port: port)
        let beta = try await seed.register("beta", port: port)
        let alphaGSM8K = try await seed.evaluate(alpha, benchmarks: ["gsm8k"])
        let betaGSM8K = try await seed.evaluate(beta, benchmarks: ["gsm8k"], seed: 7)
        let alphaSample = try await seed.evaluate(alpha, benchmarks: ["aime24"], samples: 1)
        return Seeded(alpha: alpha, beta: beta, alphaGSM8K: alphaGSM8K, betaGSM8K: betaGSM8K, alphaSample: alphaSample)
    }

    private func withSeededApp(_ body: @escaping @Sendable (PageSeed, Seeded) async throws -> Void) async throws {
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers())
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            let pages = PageSeed(client: client, env: env)
            try await body(pages, try await seed(pages, port: port))
        }
    }

    @Test func leaderboardRanksImportedResultsAndLinksEveryCell() async throws {
        try await withSeededApp { pages, seeded in
            let html = try await pages.page("/")
            #expect(HTMLChecks.problems(in: html).isEmpty, "\(HTMLChecks.problems(in: html))")
            let alpha = try #require(html.range(of: ">alpha</a>"))
            let beta = try #require(html.range(of: ">beta</a>"))
            #expect(alpha.lowerBound < beta.lowerBound)
            #expect(html.contains(#"<a href="/evaluations/\#(seeded.alphaGSM8K.id)">46.7</a>"#))
            #expect(html.contains(#"<a href="/evaluations/\#(seeded.alphaGSM8K.id)">66.7</a>"#))
            #expect(html.contains(#"<a href="/evaluations/\#(seeded.betaGSM8K.id)">0.0</a>"#))
            #expect(html.contains(#"<a href="/?data=imported" aria-current="page">"#), "imported is the default once imported data exists")
            // A benchmark nobody ran is missing, never zero; the overall average is gsm8k alone.
            #expect(html.contains(#"<td class="na" title="no result">—</td>"#))
            #expect(html.contains(#"<td class="avg g">46.7</td>"#))
            #expect(!html.contains("/evaluations/\(seeded.alphaSample.id)\""), "sample-set results are not in the imported ranking")

            let ascending = try await pages.page("/?sort=gsm8k.pass_at_1&order=asc")
            #expect(try #require(ascending.range(of: ">beta</a>")).lowerBound < (try #require(ascending.range(of: ">alpha</a>"))).lowerBound)
            #expect(ascending.contains(#"aria-sort="ascending""#))
            let byName = try await pages.page("/?sort=name&order=desc")
            #expect(try #require(byName.range(of: ">beta</a>")).lowerBound < (try #require(byName.range(of: ">alpha</a>"))).lowerBound)

            let sample = try await pages.page("/?data=sample")
            #expect(sample.contains("/evaluations/\(seeded.alphaSample.id)\""))
            #expect(!sample.contains("/evaluations/\(seeded.alphaGSM8K.id)\""), "imported results are not in the sample ranking")
            #expect(!sample.contains(">beta</a>"))
        }
    }

    @Test func badQueriesAreHTMLErrorsWithTheirStatus() async throws {
        try await withSeededApp { pages, _ in
            for (uri, status) in [
                ("/?sort=bogus", HTTPResponse.Status.badRequest), ("/?order=up", .badRequest), ("/?data=all", .badRequest),
                ("/?page=0", .badRequest), ("/?page=9", .notFound), ("/benchmarks/mmlu", .notFound),
                ("/checkpoints/999", .notFound), ("/evaluations/999", .notFound), ("/evaluations/abc", .notFound),
                ("/benchmarks/gsm8k?sort=pass_at_3", .badRequest), ("/benchmarks/gsm8k?dataset=feed", .notFound),
            ] {
                let html = try await pages.page(uri, status: status)
                #expect(html.hasPrefix("<!DOCTYPE html>"), "\(uri)")
                #expect(HTMLChecks.problems(in: html).isEmpty, "\(uri): \(HTMLChecks.problems(in: html))")
            }
        }
    }

    @Test func benchmarkPageRanksWithIntervalAndDatasetHash() async throws {
        try await withSeededApp { pages, seeded in
            let html = try await pages.page("/benchmarks/gsm8k")
            #expect(HTMLChecks.problems(in: html).isEmpty, "\(HTMLChecks.problems(in: html))")
            #expect(html.contains(Tokens.hash(EvaluationFixture.gsm8k)))
            #expect(html.contains("<dd>3 · gsm8k upload"))
            #expect(html.contains("95% interval"))
            let interval = try #require(BootstrapInterval.mean(of: [1.0, 0.4, 0.0]))
            #expect(html.contains("\(Format.percent(interval.low) ?? "?")–\(Format.percent(interval.high) ?? "?")"))
            #expect(try #require(html.range(of: ">alpha</a>")).lowerBound < (try #require(html.range(of: ">beta</a>"))).lowerBound)
            #expect(html.contains("/evaluations/\(seeded.betaGSM8K.id)"))
            let index = try await pages.page("/benchmarks")
            #expect(HTMLChecks.problems(in: index).isEmpty, "\(HTMLChecks.problems(in: index))")
            #expect(index.contains(#"<a href="/benchmarks/simpleqa">simpleqa</a>"#))
        }
    }

    @Test func checkpointPageShowsFileMetadataAndResults() async throws {
        try await withSeededApp { pages, seeded in
            let upload = try await pages.client.execute(
                uri: "/api/v1/checkpoints?name=trained", method: HTTPRequest.Method.put, headers: env.adminHeaders,
                body: ByteBuffer(data: SafetensorsFixture.valid(metadata: ["algorithm": "aepo", "task": "synth-arith", "step": "200"])))
            let file = try upload.body.json(CheckpointView.self)
            let html = try await pages.page("/checkpoints/\(file.id)")
            #expect(HTMLChecks.problems(in: html).isEmpty, "\(HTMLChecks.problems(in: html))")
            #expect(html.contains(try #require(file.sha256)))
            #expect(html.contains("<dt>algorithm</dt><dd>aepo</dd>"))
            #expect(html.contains("trained with algorithm aepo, task synth-arith, step 200"))
            let endpoint = try await pages.page("/checkpoints/\(seeded.alpha)")
            #expect(endpoint.contains("http://127.0.0.1:"))
            #expect(endpoint.contains("None recorded"))
            #expect(endpoint.contains(#"<a href="/evaluations/\#(seeded.alphaGSM8K.id)">#\#(seeded.alphaGSM8K.id)</a>"#))
            #expect(endpoint.contains("/evaluations/\(seeded.alphaSample.id)"))
        }
    }

    @Test func evaluationPageShowsResultsAndBrowsableSamples() async throws {
        try await withSeededApp { pages, seeded in
            let id = seeded.alphaGSM8K.id
            let html = try await pages.page("/evaluations/\(id)")
            #expect(HTMLChecks.problems(in: html).isEmpty, "\(HTMLChecks.problems(in: html))")
            #expect(html.contains(#"<span class="status status-finished" data-status>finished</span>"#))
            #expect(!html.contains("data-events"), "a finished evaluation has no live stream")
            #expect(!html.contains("<script"))
            #expect(html.contains("Samples 1–15 of 15"))
            #expect(html.components(separatedBy: "<article class=\"sample\">").count == 16)
            #expect(html.contains("<dt>Question</dt><dd>What is 2 + 3?</dd>"))
            #expect(html.contains("<dt>Gold</dt><dd>5</dd>"))
            for kind in ["think", "search", "result", "answer"] {
                #expect(html.contains(#"<div class="seg seg-\#(kind)">"#), "\(kind)")
            }
            let correct = try await pages.page("/evaluations/\(id)?verdict=correct")
            #expect(correct.contains("Samples 1–7 of 7"))
            _ = try await pages.page("/evaluations/\(id)?benchmark=hle", status: .badRequest)
            _ = try await pages.page("/evaluations/\(id)?page=2", status: .notFound)
        }
    }

    @Test func runningEvaluationStreamsProgressAndWorksWithoutScript() async throws {
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers(), latency: .seconds(5))
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            let pages = PageSeed(client: client, env: env)
            try await pages.importDataset("gsm8k", EvaluationFixture.gsm8k)
            let id = try await pages.start(try await pages.register("slow", port: port), benchmarks: ["gsm8k"])
            let html = try await pages.page("/evaluations/\(id)")
            #expect(html.contains(#"data-events="/api/v1/evaluations/\#(id)/events""#))
            #expect(html.contains(#"<script src="/static/evaluation.js?v="#))
            #expect(html.contains(#"<noscript><meta http-equiv="refresh" content="5"></noscript>"#))
            #expect(html.contains(#"<progress value="0" max="15" data-progress>"#))
            let script = try await client.execute(uri: "/static/evaluation.js", method: .get)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(String(buffer: script.body).contains("EventSource"))
            _ = try await client.execute(uri: "/api/v1/evaluations/\(id)/cancel", method: .post, headers: env.adminHeaders)
        }
    }

    @Test func staticFilesAreServedByExactNameWithAContentVersion() async throws {
        try await env.application().test(.router) { client in
            let fingerprint = env.services.staticFiles.fingerprint
            #expect(fingerprint.count == 12)
            let page = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(page.contains(#"<link rel="stylesheet" href="/static/style.css?v=\#(fingerprint)">"#))
            let css = try await client.execute(uri: "/static/style.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(String(buffer: css.body).contains(".table-scroll { overflow-x: auto;"))
            let browser = try await client.execute(uri: "/nope", method: .get, headers: [.accept: "text/html,*/*;q=0.8"])
            #expect(browser.status == .notFound)
            #expect(String(buffer: browser.body).hasPrefix("<!DOCTYPE html>"))
            let script = try await client.execute(uri: "/nope", method: .get)
            #expect(script.body.errorCode == "not_found", "without Accept: text/html the error stays JSON")
            let api = try await client.execute(uri: "/api/v1/nope", method: .get, headers: [.accept: "text/html"])
            #expect(api.body.errorCode == "not_found", "the API always answers JSON")
            for missing in ["/static/nope.css", "/static/..%2Fopenapi.yaml", "/static/..%2Ftemplates%2Flayout.mustache"] {
                #expect(try await client.execute(uri: missing, method: .get).status == .notFound, "\(missing)")
            }
        }
    }
}
