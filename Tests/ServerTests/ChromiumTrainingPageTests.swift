import Foundation
import Testing

@testable import Server
@testable import ServerCore

extension ChromiumPageTests {
    /// A run that logs three steps, then holds until the page's script has
    /// opened its event stream, then logs five more and ends: the DOM the
    /// browser ends with has steps the server never rendered, drawn by
    /// `training-job.js`. No step of this depends on how fast the machine is:
    /// the run goes on only once the server has answered the stream request,
    /// and Chromium dumps the DOM only once the stream has closed.
    @Test func aRunningTrainingJobsPageUpdatesLive() async throws {
        try #require(Chromium.path != nil, "chromium is missing: run scripts/setup")
        let data = work.appendingPathComponent("data-training")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let templates = """
            {"templates": [{"name": "verl-aepo",
              "command": ["/usr/bin/env", "python3", "\(TestEnvironment.fixture("stand_in_aepo_run.py"))",
                          "{workdir}/metrics.jsonl", "8", "3", "{workdir}/go"],
              "events_file": "{workdir}/metrics.jsonl"}]}
            """
        try Data(templates.utf8).write(to: data.appendingPathComponent("job-templates.json"))
        let server = try LiveServer(dataDirectory: data)
        defer { server.stop() }
        let seed = LiveSeed(server: server)
        let id = try await seed.train(["template": "verl-aepo"])
        let go = data.appendingPathComponent("jobs/\(id)/go")
        defer { FileManager.default.createFile(atPath: go.path, contents: nil) }

        // The run holds after step 3: what the server renders now.
        let deadline = ContinuousClock.now + .seconds(90)
        var served = ""
        while ContinuousClock.now < deadline {
            served = try await seed.get("/training-jobs/\(id)")
            if served.contains("data-steps>3</span>") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(served.contains("data-steps>3</span>"), "the run never reached step 3")
        #expect(served.contains(#"data-key="critic/score/mean" data-points="1,0.51 2,0.52 3,0.53""#))
        let after = try #require(served.components(separatedBy: #"data-after=""#).dropFirst().first?.prefix { $0 != "\"" })

        // Let the run go on once the page's script has opened the stream.
        let metricsURL = server.baseURL + "/metrics"
        let release = Task {
            let until = ContinuousClock.now + .seconds(90)
            while ContinuousClock.now < until, !Task.isCancelled {
                let metrics = (try? await offThePool { try curl([metricsURL]).output }) ?? ""
                if metrics.contains(#"route="/api/v1/training-jobs/{id}/events""#) { break }
                try? await Task.sleep(for: .milliseconds(100))
            }
            FileManager.default.createFile(atPath: go.path, contents: nil)
        }
        defer { release.cancel() }
        let dom = try await Chromium.dumpDOM(server.baseURL + "/training-jobs/\(id)", virtualTimeBudget: 60_000)
        await release.value

        #expect(dom.contains(#"data-live="ended""#), "the script followed the stream to its end")
        #expect(dom.contains(#"data-after="\#(after)""#))
        let lastEvent = dom.components(separatedBy: #"data-last-event=""#).dropFirst().first?.prefix { $0 != "\"" }
        #expect(Int(lastEvent ?? "") ?? 0 > Int(after) ?? .max, "events after the rendered ones arrived")
        #expect(dom.contains(#"<span class="status status-finished" data-status="">finished</span>"#))
        #expect(dom.contains(#"<span data-steps="">8</span>"#), "no planned total: the step alone")
        // Steps 4-8 reached every chart, both series of the two-series ones, and the table.
        #expect(LineChartTests.drawn(dom, key: "critic/score/mean").map(\.1) == [0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.57, 0.58])
        for key in ["actor/entropy", "actor/pg_clipfrac", "actor/pg_clipfrac_lower", "response_length/mean",
                    "rollout/global_samples", "rollout/branch_samples"] {
            #expect(LineChartTests.drawn(dom, key: key).map(\.0) == [1, 2, 3, 4, 5, 6, 7, 8], "\(key)")
        }
        #expect(dom.contains(#"<tr data-key="critic/score/mean"><th scope="row" class="mono">critic/score/mean</th><td class="num">0.58</td></tr>"#))
        #expect(dom.contains("The latest metric line, step 8"))
        #expect(dom.contains("Reward by training step. critic/score/mean: 8 points from step 1 to 8, latest 0.58"))

        let shots: [(String, String, Int, Int)] = [
            ("training-job-desktop", "/training-jobs/\(id)", 1366, 1500), ("training-job-phone", "/training-jobs/\(id)", 390, 1600),
            ("training-jobs-desktop", "/training-jobs", 1366, 600),
        ]
        for (name, path, width, height) in shots {
            let file = Chromium.artifacts.appendingPathComponent("\(name).png")
            try await Chromium.screenshot(server.baseURL + path, to: file, width: width, height: height)
            let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0
            #expect(size > 10_000, "\(name).png is \(size) bytes")
        }
    }
}
