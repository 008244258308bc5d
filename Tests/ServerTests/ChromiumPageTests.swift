import Foundation
import Testing

@testable import Server
@testable import ServerCore

/// The pages in a real headless Chromium against a live `aepo serve` seeded
/// with evaluations of the scripted model: loading, following links, sorting,
/// screenshots at desktop and phone width (under `test-artifacts/pages`), and
/// user data that would run script if it were not escaped. Without chromium
/// the suite is skipped, except under AEPO_REQUIRE_TOOLS=1 where it fails.
@Suite("Pages in headless Chromium", .serialized, .enabled(if: Chromium.shouldRun))
struct ChromiumPageTests {
    let work: URL

    init() throws { work = try TemporaryDirectory.make() }

    @Test func browserIsInstalled() {
        #expect(Chromium.path != nil, "chromium is missing: run scripts/setup")
    }

    @Test func loadsFollowsLinksSortsAndTakesScreenshots() async throws {
        try #require(Chromium.path != nil, "chromium is missing: run scripts/setup")
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers())
        let (port, modelServer) = try await model.start()
        defer { modelServer.cancel() }
        let server = try LiveServer(dataDirectory: work.appendingPathComponent("data"))
        defer { server.stop() }
        let seed = LiveSeed(server: server)
        try await seed.importDataset("gsm8k", EvaluationFixture.gsm8k)
        let alpha = try await seed.register("alpha/qwen3-8b-aepo", port: port)
        let beta = try await seed.register("beta/qwen3-8b-grpo", port: port)
        _ = try await seed.evaluate(alpha, benchmarks: ["gsm8k"])
        _ = try await seed.evaluate(beta, benchmarks: ["gsm8k"], seed: 7)
        _ = try await seed.evaluate(alpha, benchmarks: ["hotpotqa"], samples: 1)
        try await seed.report(ReportedResultsTests.paperRow)

        let board = try await Chromium.dumpDOM(server.baseURL + "/")
        #expect(board.contains("<title>Leaderboard · Imported full sets · aepo</title>"))
        #expect(try #require(board.range(of: "alpha/qwen3-8b-aepo")).lowerBound < (try #require(board.range(of: "beta/qwen3-8b-grpo"))).lowerBound)
        #expect(board.contains("Qwen3-14B + AEPO (paper)"))

        // Follow the first result cell to its evaluation, and a column header to its benchmark.
        let evaluationPath = try #require(Chromium.links(in: board, startingWith: "/evaluations/").first)
        let evaluation = try await Chromium.dumpDOM(server.baseURL + evaluationPath)
        #expect(evaluation.contains("status-finished"))
        #expect(evaluation.contains("<dt>Question</dt><dd>What is 2 + 3?</dd>"))
        #expect(evaluation.contains(#"class="seg seg-search""#))
        let benchmarkPath = try #require(Chromium.links(in: board, startingWith: "/benchmarks/gsm8k").first)
        let benchmark = try await Chromium.dumpDOM(server.baseURL + benchmarkPath)
        #expect(benchmark.contains(Tokens.hash(EvaluationFixture.gsm8k)))
        let checkpointPath = try #require(Chromium.links(in: benchmark, startingWith: "/checkpoints/").first)
        #expect(try await Chromium.dumpDOM(server.baseURL + checkpointPath).contains("Model endpoint"))

        // Sort through the query parameter, as the header links do.
        let sortLink = try #require(Chromium.links(in: board, startingWith: "/?data=imported&sort=gsm8k.pass_at_1").first)
        #expect(sortLink.hasSuffix("order=desc"))
        let ascending = try await Chromium.dumpDOM(server.baseURL + "/?sort=gsm8k.pass_at_1&order=asc")
        #expect(try #require(ascending.range(of: "beta/qwen3-8b-grpo")).lowerBound < (try #require(ascending.range(of: "alpha/qwen3-8b-aepo"))).lowerBound)
        #expect(ascending.contains(#"aria-sort="ascending""#))

        let shots: [(String, String, Int, Int)] = [
            ("leaderboard-desktop", "/", 1366, 900), ("leaderboard-phone", "/", 390, 844),
            ("evaluation-desktop", evaluationPath, 1366, 1200), ("evaluation-phone", evaluationPath, 390, 844),
            ("benchmark-desktop", benchmarkPath, 1366, 900), ("benchmark-phone", benchmarkPath, 390, 844),
            ("checkpoint-phone", checkpointPath, 390, 844),
        ]
        for (name, path, width, height) in shots {
            let file = Chromium.artifacts.appendingPathComponent("\(name).png")
            try await Chromium.screenshot(server.baseURL + path, to: file, width: width, height: height)
            let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0
            #expect(size > 10_000, "\(name).png is \(size) bytes")
        }
    }

    @Test func userDataNeverRunsAsScript() async throws {
        try #require(Chromium.path != nil, "chromium is missing: run scripts/setup")
        let model = FakeModelEndpoint(answers: [:], thinking: Hostile.titleScript, fallbackAnswer: Hostile.image)
        let (port, modelServer) = try await model.start()
        defer { modelServer.cancel() }
        let slow = FakeModelEndpoint(answers: [:], latency: .seconds(60), thinking: Hostile.titleScript)
        let (slowPort, slowServer) = try await slow.start()
        defer { slowServer.cancel() }
        let server = try LiveServer(dataDirectory: work.appendingPathComponent("data-xss"))
        defer { server.stop() }
        let seed = LiveSeed(server: server)
        try await seed.importDataset("hotpotqa", Hostile.hotpotqa)
        let file = try await seed.upload(Hostile.script, data: SafetensorsFixture.valid(metadata: ["note": Hostile.titleScript]))
        let hostile = try await seed.register(Hostile.image, port: port)
        let finished = try await seed.evaluate(hostile, benchmarks: ["hotpotqa"], samples: 2)
        var row = ReportedResultsTests.paperRow
        row["name"] = Hostile.titleScript
        row["note"] = Hostile.script
        try await seed.report(row)
        // A running evaluation: its page loads our script, which must run.
        let running = try await seed.start(try await seed.register("slow " + Hostile.script, port: slowPort), benchmarks: ["hotpotqa"])

        let paths = [
            "/", "/?data=sample", "/benchmarks", "/benchmarks/hotpotqa", "/benchmarks/gaia", "/checkpoints/\(file)",
            "/checkpoints/\(hostile)", "/evaluations/\(finished)", "/evaluations/\(running)",
            "/benchmarks/\(Hostile.script.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")",
        ]
        for path in paths {
            let dom = try await Chromium.dumpDOM(server.baseURL + path)
            let title = dom.components(separatedBy: "<title>").dropFirst().first?.components(separatedBy: "</title>").first
            // A script that ran would have set the whole title to "XSS".
            #expect(title?.hasSuffix(" · aepo") == true, "\(path): title \(title ?? "none")")
            // Every script element in the live DOM is ours, loaded from /static.
            let scripts = dom.components(separatedBy: "<script").count - 1
            let ours = dom.components(separatedBy: #"<script src="/static/"#).count - 1
            #expect(scripts == ours, "\(path): \(scripts) script elements, \(ours) of them ours")
            #expect(!dom.contains("<img src=\"x\""), "\(path): an injected image element")
            #expect(!dom.contains("<b>it</b>"), "\(path): injected markup")
        }
        let board = try await Chromium.dumpDOM(server.baseURL + "/")
        #expect(board.contains("&lt;img src=x onerror=\"document.title='XSS'\"&gt;"), "the name is shown as text")
        let live = try await Chromium.dumpDOM(server.baseURL + "/evaluations/\(running)")
        #expect(live.contains("data-live=\""), "the progress script ran (and nothing else did)")
        try await seed.cancel(running)
    }
}
