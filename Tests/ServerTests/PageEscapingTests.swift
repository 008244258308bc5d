import Assets
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// Every string a user controls (names, questions, gold answers, model
/// output, reported rows, error messages) reaches the pages as text.
@Suite("Pages escape what users control")
struct PageEscapingTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    /// The one exception: `{{{svg}}}` on the training job page, a
    /// ``ChartMarkup`` that only ``LineChart`` (which escapes every text
    /// and attribute itself, see LineChartTests) produces.
    @Test func templatesNeverUseTheUnescapedForms() throws {
        let directory = Assets.publicDirectory.appendingPathComponent("templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        #expect(names.count >= 6)
        #expect(names.contains("training-charts.mustache"))
        for name in names {
            var text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            if name == "training-charts.mustache" {
                #expect(text.components(separatedBy: "{{{svg}}}").count == 2, "one chart slot")
                text = text.replacingOccurrences(of: "{{{svg}}}", with: "")
            }
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(name) renders a value unescaped")
        }
    }

    @Test func hostileNamesQuestionsAndOutputsAreTextOnEveryPage() async throws {
        let model = FakeModelEndpoint(answers: [:], thinking: Hostile.titleScript, fallbackAnswer: Hostile.image)
        let (port, server) = try await model.start()
        defer { server.cancel() }
        try await env.application().test(.router) { client in
            let pages = PageSeed(client: client, env: env)
            let encodedName = Hostile.script.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let upload = try await client.execute(
                uri: "/api/v1/checkpoints?name=\(encodedName)", method: .put, headers: env.adminHeaders,
                body: ByteBuffer(data: SafetensorsFixture.valid(metadata: ["step": Hostile.image])))
            let file = try upload.body.json(CheckpointView.self)
            #expect(file.name == Hostile.script)
            try await pages.importDataset("hotpotqa", Hostile.hotpotqa)
            try await pages.importDataset("gsm8k", EvaluationFixture.gsm8k)
            let endpoint = try await pages.register(Hostile.image, port: port)
            let evaluation = try await pages.evaluate(endpoint, benchmarks: ["hotpotqa", "gsm8k"], samples: 1)
            var reported = ReportedResultsTests.paperRow
            reported["name"] = Hostile.script
            reported["note"] = Hostile.image
            _ = try await client.execute(
                uri: "/api/v1/reported-results", method: .post,
                headers: [.authorization: "Bearer \(env.adminToken)", .contentType: "application/json"],
                body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: reported)))

            let uris = [
                "/", "/?data=sample", "/?sort=name", "/benchmarks", "/benchmarks/hotpotqa", "/benchmarks/gsm8k",
                "/benchmarks/gaia", "/checkpoints/\(file.id)", "/checkpoints/\(endpoint)", "/evaluations/\(evaluation.id)",
                "/evaluations/\(evaluation.id)?benchmark=hotpotqa",
            ]
            for uri in uris {
                let html = try await pages.page(uri)
                for markup in Hostile.forbidden {
                    #expect(!html.contains(markup), "\(uri) contains \(markup) unescaped")
                }
                #expect(HTMLChecks.problems(in: html).isEmpty, "\(uri): \(HTMLChecks.problems(in: html))")
            }
            let board = try await pages.page("/")
            #expect(board.contains("&lt;img src=x onerror=&quot;document.title=&#39;XSS&#39;&quot;&gt;</a></th>"))
            #expect(board.contains(Hostile.escapedScript), "the reported row's name")
            let fileView = try await pages.page("/checkpoints/\(file.id)")
            #expect(fileView.contains("<h1>\(Hostile.escapedScript)</h1>"))
            let samples = try await pages.page("/evaluations/\(evaluation.id)?benchmark=hotpotqa")
            #expect(samples.contains("&lt;script&gt;alert(1)&lt;/script&gt; Who wrote &lt;b&gt;it&lt;/b&gt;?"))
            #expect(samples.contains("&lt;script&gt;document.title=&#39;XSS&#39;&lt;/script&gt;"), "model output in the trajectory")
            #expect(samples.contains("&lt;/pre&gt;&lt;img src=x"), "the gold answer")

            let error = try await pages.page("/benchmarks/\(encodedName)", status: .notFound)
            for markup in Hostile.forbidden {
                #expect(!error.contains(markup), "the error page contains \(markup) unescaped")
            }
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
        }
    }
}
