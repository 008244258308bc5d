import Benchmarks
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// `/training-jobs` and `/training-jobs/{id}` on an in-process app: jobs run
/// by the stand-in trainers, and jobs written straight into the store
/// (running ones, hostile ones, long ones).
@Suite("Training job pages")
struct TrainingJobPageTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    /// A template that runs `stand_in_aepo_run.py` (every charted key, per step).
    static let templates = """
        {"templates": [{"name": "verl-aepo",
          "command": ["/usr/bin/env", "python3", "\(TestEnvironment.fixture("stand_in_aepo_run.py"))", "{workdir}/metrics.jsonl", "{steps}"],
          "parameters": {"steps": {"default": "6", "pattern": "^[0-9]{1,3}$"}},
          "events_file": "{workdir}/metrics.jsonl"}]}
        """

    /// What the store holds as a job's configuration.
    static func storedConfig(_ request: [String: JSONValue], steps: Int = 50) throws -> String {
        let launch = TrainingLaunch(
            arguments: ["aepo", "train", "--steps", String(steps)], workingDirectory: "/srv/aepo/jobs/1", eventsFile: nil,
            outputCheckpoint: nil, evaluate: nil, checkpointName: "test")
        return String(decoding: try JSONEncoder().encode(StoredTrainingConfig(request: request, launch: launch)), as: UTF8.self)
    }

    /// A verl line as the manager stores it (``TrainingIngester/metricLine(_:)``).
    static func line(_ step: Int, _ data: [String: Any]) throws -> String {
        let object: [String: Any] = ["step": step, "data": data]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    private func launch(_ client: some TestClientProtocol, _ json: String) async throws -> Int64 {
        var headers = env.adminHeaders
        headers[.contentType] = "application/json"
        let response = try await client.execute(
            uri: "/api/v1/training-jobs", method: .post, headers: headers, body: ByteBuffer(string: json))
        #expect(response.status == .accepted, "\(String(buffer: response.body))")
        let id = try response.body.json(TrainingJobTests.Job.self).id
        let deadline = Date().addingTimeInterval(90)
        while try await env.services.training.job(id).status.isTerminal == false, Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        await #expect(try env.services.training.job(id).status == .finished)
        return id
    }

    private func page(_ client: some TestClientProtocol, _ uri: String, status: HTTPResponse.Status = .ok) async throws -> String {
        let response = try await client.execute(uri: uri, method: .get)
        #expect(response.status == status, "GET \(uri)")
        let html = String(buffer: response.body)
        #expect(HTMLChecks.problems(in: html).isEmpty, "\(uri): \(HTMLChecks.problems(in: html))")
        return html
    }

    @Test func listAndDetailShowRealJobsWithTheirCharts() async throws {
        try Data(Self.templates.utf8).write(to: env.directory.appendingPathComponent("job-templates.json"))
        try await env.application().test(.router) { client in
            let verl = try await launch(client, #"{"template":"verl-aepo","parameters":{"steps":"6"}}"#)
            let builtin = try await launch(client, #"{"algorithm":"aepo","task":"synth-arith","steps":3,"seed":1}"#)
            let checkpoint = try await #require(try env.services.training.job(builtin).checkpointID)

            let list = try await page(client, "/training-jobs")
            #expect(list.contains(#"<a href="/training-jobs" aria-current="page">Training</a>"#))
            let newer = try #require(list.range(of: #"<a href="/training-jobs/\#(builtin)">#\#(builtin)</a>"#))
            let older = try #require(list.range(of: #"<a href="/training-jobs/\#(verl)">#\#(verl)</a>"#))
            #expect(newer.lowerBound < older.lowerBound, "newest first")
            #expect(list.contains("<td>template verl-aepo</td><td>—</td><td><span class=\"status status-finished\">finished</span></td><td class=\"num\">6 / 6</td><td class=\"num\">0.56</td>"))
            #expect(list.contains("<td>aepo</td><td>synth-arith</td><td><span class=\"status status-finished\">finished</span></td><td class=\"num\">3 / 3</td><td class=\"num\">0.3</td>"))
            #expect(!list.contains("<nav class=\"pager\""), "one page: no pager")

            let html = try await page(client, "/training-jobs/\(verl)")
            #expect(html.contains("<h1>Training job \(verl) · template verl-aepo</h1>"))
            #expect(html.contains(#"<span class="status status-finished" data-status>finished</span> · step <span data-steps>6 / 6</span>"#))
            #expect(!html.contains("<script"), "a finished job's page loads no script")
            #expect(!html.contains("data-training-events"))
            // Server-drawn charts, readable without JavaScript: five with data; no SFT loss in an RL run.
            #expect(html.components(separatedBy: "<figure class=\"chart-figure\"").count == 6)
            #expect(html.components(separatedBy: "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\"").count == 6)
            for id in ["chart-reward", "chart-entropy", "chart-clipfrac", "chart-response-length", "chart-samples"] {
                #expect(html.contains(#"<figure class="chart-figure" id="\#(id)"><svg"#), "\(id)")
            }
            #expect(!html.contains("chart-loss"))
            #expect(html.contains("Not logged by this job: train/loss."))
            for key in TrainingCharts.keys where key != "train/loss" {
                #expect(LineChartTests.drawn(html, key: key).map(\.0) == [1, 2, 3, 4, 5, 6], "\(key)")
            }
            #expect(LineChartTests.drawn(html, key: "critic/score/mean").last?.1 == 0.56)
            #expect(LineChartTests.drawn(html, key: "rollout/branch_samples").last?.1 == 12)
            #expect(html.contains(#"<title id="chart-clipfrac-title">Clip fractions</title>"#))
            #expect(html.contains("actor/pg_clipfrac_lower: 6 points from step 1 to 6, latest 0.03"))
            #expect(html.contains(#"<tr data-key="critic/score/mean"><th scope="row" class="mono">critic/score/mean</th><td class="num">0.56</td></tr>"#))
            #expect(html.contains(#"<tr data-key="actor/pg_loss"><th scope="row" class="mono">actor/pg_loss</th><td class="num">-0.06</td></tr>"#))
            #expect(html.contains("&quot;template&quot; : &quot;verl-aepo&quot;"))
            #expect(!html.contains("/srv/") && !html.contains("metrics.jsonl"), "the launch (server paths) is not shown")
            #expect(html.contains("<dd data-checkpoint>none</dd>"))

            let trained = try await page(client, "/training-jobs/\(builtin)")
            #expect(trained.contains(#"<dd data-checkpoint><a href="/checkpoints/\#(checkpoint)">checkpoint \#(checkpoint)</a></dd>"#))
            #expect(trained.contains("<dt>Algorithm</dt><dd>aepo</dd>") && trained.contains("<dt>Seed</dt><dd>1</dd>"))
            #expect(LineChartTests.drawn(trained, key: "critic/score/mean").count == 3)
            #expect(LineChartTests.drawn(trained, key: "actor/entropy").count == 3)
            #expect(trained.contains("Not logged by this job: train/loss; actor/pg_clipfrac, actor/pg_clipfrac_lower; response_length/mean"))
            let checkpointPage = try await page(client, "/checkpoints/\(checkpoint)")
            #expect(checkpointPage.contains(#"<dt>Training job</dt><dd><a href="/training-jobs/\#(builtin)">Training job \#(builtin): aepo on synth-arith</a></dd>"#))
        }
    }

    @Test func aRunningJobsPageWorksWithoutScriptAndSaysWhereItsStreamResumes() async throws {
        let store = env.services.training
        let id = try await store.create(
            kind: "builtin", template: nil,
            config: try Self.storedConfig(["algorithm": .string("sft"), "task": .string("synth-arith"), "steps": .number(50)]))
        try await store.setStatus(id, .running, process: ProcessIdentity(pid: 1, startTime: 0, bootID: "test"))
        try await store.append(job: id, kind: .status, data: #"{"pid":1,"status":"running"}"#)
        for step in 1...4 {
            try await store.append(job: id, kind: .metric, data: try Self.line(step, ["train/loss": 3.0 / Double(step), "actor/lr": 2e-4]))
            try await store.append(job: id, kind: .log, data: #"{"line":"step \#(step)"}"#)
        }
        let last = try await #require(try store.events(job: id, after: 0, limit: 100).last).seq
        let idle = try await store.create(kind: "template", template: "verl-aepo", config: try Self.storedConfig([:]))
        try await env.application().test(.router) { client in
            let response = try await client.execute(uri: "/training-jobs/\(id)", method: .get)
            #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            let html = String(buffer: response.body)
            #expect(HTMLChecks.problems(in: html).isEmpty, "\(HTMLChecks.problems(in: html))")
            #expect(html.contains(#"data-training-events="/api/v1/training-jobs/\#(id)/events" data-after="\#(last)""#))
            #expect(html.contains(#"<script src="/static/training-job.js?v="#))
            #expect(html.components(separatedBy: "<script").count == 2, "one script element, from /static, nothing inline")
            #expect(html.contains(#"<noscript><meta http-equiv="refresh" content="5"></noscript>"#))
            #expect(html.contains("step <span data-steps>4 / 50</span>"))
            #expect(html.contains(#"<progress value="4" max="50" data-progress>"#))
            // The loss chart is drawn on the server; RL charts wait for data.
            #expect(html.contains(#"<figure class="chart-figure" id="chart-loss"><svg"#))
            #expect(LineChartTests.drawn(html, key: "train/loss").map(\.0) == [1, 2, 3, 4])
            #expect(html.contains(#"<figure class="chart-figure" id="chart-entropy"><svg"#))
            #expect(html.components(separatedBy: ">No data yet</text>").count == 6, "five RL charts without data")
            #expect(html.contains("<dd data-checkpoint>none yet</dd>"))
            #expect(html.contains(#"<tr data-key="actor/lr"><th scope="row" class="mono">actor/lr</th><td class="num">0.0002</td></tr>"#))

            let waiting = try await page(client, "/training-jobs/\(idle)")
            #expect(waiting.contains(#"data-training-events="/api/v1/training-jobs/\#(idle)/events" data-after="0""#))
            #expect(waiting.contains(#"<figure class="chart-figure" id="chart-loss" hidden><svg"#), "hidden until a loss arrives")
            #expect(waiting.contains("No metrics yet: the charts fill in as the job logs them."))
            #expect(waiting.contains("<p class=\"empty\" data-latest-empty>No metric logged yet.</p>"))

            let script = try await client.execute(uri: "/static/training-job.js", method: .get)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            let source = String(buffer: script.body)
            #expect(source.contains("new EventSource(") && source.contains("data-after") && source.contains("\"end\""))
            #expect(!source.contains("innerHTML"), "the script builds nodes; it parses no markup but the charts route's")
            // Charts are drawn once, on the server: the script swaps them in and draws nothing.
            #expect(source.contains("/charts") || source.contains("data-charts-url"))
            #expect(!source.contains("niceStep") && !source.contains("createElementNS"), "the script draws charts itself")
            let charts = try await client.execute(uri: "/training-jobs/\(idle)/charts", method: .get)
            #expect(charts.status == .ok)
            #expect(String(buffer: charts.body).hasPrefix("<div class=\"charts\" data-charts"))
            #expect(waiting.contains(#"data-charts-url="/training-jobs/\#(idle)/charts""#))
        }
    }

    @Test func hostileTemplateConfigMetricsAndErrorsAreText() async throws {
        let store = env.services.training
        let config = try Self.storedConfig([
            "template": .string(Hostile.script), "parameters": .object(["model": .string(Hostile.image)]),
        ])
        let id = try await store.create(kind: "template", template: Hostile.script, config: config)
        try await store.setStatus(id, .running, process: ProcessIdentity(pid: 1, startTime: 0, bootID: "test"))
        try await store.append(
            job: id, kind: .metric,
            data: try Self.line(1, ["critic/score/mean": 0.5, Hostile.image: Hostile.titleScript, "note": "<b>it</b>"]))
        try await store.setStatus(id, .failed, error: Hostile.titleScript)
        try await env.application().test(.router) { client in
            for uri in ["/training-jobs", "/training-jobs/\(id)"] {
                let html = try await page(client, uri)
                for markup in Hostile.forbidden {
                    #expect(!html.contains(markup), "\(uri) contains \(markup) unescaped")
                }
                #expect(html.contains("template \(Hostile.escapedScript)"), "\(uri)")
            }
            let html = try await page(client, "/training-jobs/\(id)")
            #expect(html.contains("<h1>Training job \(id) · template \(Hostile.escapedScript)</h1>"))
            #expect(html.contains("Error: &lt;script&gt;document.title=&#39;XSS&#39;&lt;/script&gt;"))
            #expect(html.contains(#"<tr data-key="&lt;img src=x onerror=&quot;document.title=&#39;XSS&#39;&quot;&gt;">"#))
            #expect(html.contains("&quot;model&quot; : &quot;&lt;img src=x onerror=\\&quot;document.title=&#39;XSS&#39;\\&quot;&gt;&quot;"))
            #expect(html.components(separatedBy: "<svg").count == 2, "one chart: the reward")
        }
    }

    @Test func unknownJobsAndBadCursorsAreHTMLErrors() async throws {
        _ = try await env.services.training.create(kind: "builtin", template: nil, config: try Self.storedConfig([:]))
        try await env.application().test(.router) { client in
            for (uri, status) in [
                ("/training-jobs/999", HTTPResponse.Status.notFound), ("/training-jobs/abc", .notFound), ("/training-jobs/0", .notFound),
                ("/training-jobs?cursor=abc", .badRequest), ("/training-jobs?cursor=0", .badRequest), ("/training-jobs?cursor=1", .notFound),
            ] {
                let html = try await page(client, uri, status: status)
                #expect(html.hasPrefix("<!DOCTYPE html>"), "\(uri)")
            }
            #expect(try await page(client, "/training-jobs/999", status: .notFound).contains("no training job with id 999"))
        }
    }

    @Test func theListPagesNewestFirstByCursor() async throws {
        for _ in 1...55 {
            _ = try await env.services.training.create(kind: "builtin", template: nil, config: try Self.storedConfig(["algorithm": .string("grpo")]))
        }
        try await env.application().test(.router) { client in
            let first = try await page(client, "/training-jobs")
            #expect(first.components(separatedBy: "<tr><th scope=\"row\"").count == 51)
            #expect(first.contains(#"<a href="/training-jobs/55">#55</a>"#) && !first.contains(#"<a href="/training-jobs/5">"#))
            #expect(first.contains(#"<a rel="next" href="/training-jobs?cursor=6">Older →</a>"#))
            #expect(first.contains(#"<td class="num">– / 50</td>"#), "no step logged yet, 50 planned")
            let second = try await page(client, "/training-jobs?cursor=6")
            #expect(second.components(separatedBy: "<tr><th scope=\"row\"").count == 6)
            #expect(second.contains(#"<a href="/training-jobs">← Newest</a>"#) && !second.contains("Older"))
        }
    }

    @Test func thousandsOfPointsAreDrawnWithAtMostFiveHundred() async throws {
        let store = env.services.training
        let id = try await store.create(kind: "template", template: "verl-aepo", config: try Self.storedConfig([:]))
        try await env.services.database.writer.write { db in
            var seq = 0
            func insert(_ data: String) throws {
                seq += 1
                try db.execute(
                    sql: "INSERT INTO training_event (job_id, seq, type, data, created_at) VALUES (?, ?, 'metric', ?, '2026-01-01T00:00:00Z')",
                    arguments: [id, seq, data])
            }
            for step in 1...3_000 {
                let reward = step == 1_234 ? 9.0 : Double(step % 10) / 10
                try insert(try Self.line(step, ["critic/score/mean": reward, "actor/entropy": 1.0]))
            }
            try insert(#"{"step":3001,"data":{"critic/score/mean":1e999,"actor/entropy":"nan"}}"#)
            try insert("not json")
            try insert(try Self.line(3_002, ["critic/score/mean": -1.0]))
        }
        let snapshot = try await store.chartSnapshot(job: id, keys: TrainingCharts.keys, limit: LineChart.maxPoints)
        #expect(snapshot.lastSeq == 3_003)
        #expect(snapshot.metricEvents == 3_002, "the malformed line is not counted")
        let reward = try #require(snapshot.series["critic/score/mean"])
        #expect(reward.count <= LineChart.maxPoints)
        #expect(reward.first == .init(step: 1, value: 0.1) && reward.last == .init(step: 3_002, value: -1))
        #expect(reward.contains(.init(step: 1_234, value: 9)), "the spike survives")
        #expect(!reward.contains { $0.step == 3_001 }, "an infinite value is skipped")
        #expect(snapshot.series["actor/entropy"]?.last?.step == 3_000, "a string value is skipped")
        #expect(snapshot.series["train/loss"] == [])
        try await env.application().test(.router) { client in
            let html = try await page(client, "/training-jobs/\(id)")
            #expect(LineChartTests.drawn(html, key: "critic/score/mean").count == reward.count)
            #expect(html.contains("3,002 metric lines; each series is drawn with at most 500 points"))
            #expect(html.contains(#"data-after="3003""#))
        }
    }
}
