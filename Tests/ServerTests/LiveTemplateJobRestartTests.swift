import Foundation
import Testing

/// A template job against a real `aepo serve`: a cancel answers within
/// the grace period and a moment, leaving nothing of the group. It
/// outlives its server: `aepo serve` is killed with
/// SIGKILL while the job trains, started again on the same data directory,
/// finds the job by pid and start time and follows it to the end, each step
/// stored exactly once. A job whose process group died with no exit record
/// while no server watched ends `interrupted`.
@Suite("Live template job across a server restart", .serialized)
struct LiveTemplateJobRestartTests {
    @Test func aKilledServerFindsItsJobAgainAndMissesNoStep() async throws {
        let data = try TemporaryDirectory.make()
        try RecipeFixture.install(in: data)
        var server = try LiveServer(dataDirectory: data)
        defer { server.stop(signal: SIGKILL) }
        // The job holds after step 3 until told to go; it resumes once
        // after step 5 (its metrics file truncated) on the second server.
        let id = try server.launchTemplate("recipe", parameters: #"{"steps":"8","hold_after":"3","restart_at":"5"}"#)
        var seen: [String: Any] = [:]
        let holding = try await eventually(seconds: 60) {
            seen = try server.trainingJob(id)
            return ((seen["latest"] as? [String: Any])?["step"] as? Int ?? 0) >= 3
        }
        #expect(holding, "\(seen)")
        let pid = try #require(seen["pid"] as? Int).int32
        #expect(server.stop(signal: SIGKILL) == SIGKILL)
        // The job did not go with the server.
        #expect(RecipeFixture.isRunning(pid))
        #expect(RecipeFixture.processes(inGroup: pid).count >= 2)

        server = try LiveServer(dataDirectory: data)
        #expect(try server.trainingJob(id)["status"] as? String == "running")
        _ = FileManager.default.createFile(atPath: data.appendingPathComponent("jobs/\(id)/go").path, contents: nil)
        let ended = try await eventually(seconds: 60) {
            seen = try server.trainingJob(id)
            return !["pending", "running"].contains(seen["status"] as? String ?? "")
        }
        #expect(ended && seen["status"] as? String == "finished", "\(seen)")
        let steps = try server.metricSteps(job: id)
        #expect(steps.sorted() == Array(1...8), "each step exactly once: \(steps)")
    }

    @Test func aCancelAnswersWithinAMomentOfTheGrace() async throws {
        let data = try TemporaryDirectory.make()
        try RecipeFixture.install(in: data)
        let server = try LiveServer(dataDirectory: data, arguments: ["--cancel-grace", "1s"])
        defer { server.stop() }
        // The recipe and its child ignore SIGTERM: only the SIGKILL after the grace ends them.
        let id = try server.launchTemplate("recipe", parameters: #"{"flag":"--child","flag2":"--ignore-term","hold_after":"1"}"#)
        let childFile = data.appendingPathComponent("jobs/\(id)/run/child.pid")
        var seen: [String: Any] = [:]
        #expect(try await eventually(seconds: 60) {
            seen = try server.trainingJob(id)
            return seen["latest"] != nil && FileManager.default.fileExists(atPath: childFile.path)
        })
        let pid = try #require(seen["pid"] as? Int).int32
        let start = ContinuousClock.now
        let answer = try curl([
            "-X", "POST", "-H", "Authorization: Bearer \(server.adminToken)", "\(server.baseURL)/api/v1/training-jobs/\(id)/cancel",
        ]).output
        let took = ContinuousClock.now - start
        #expect(answer.contains(#""status":"cancelled""#), "\(answer)")
        #expect(took < .seconds(4), "1 s of grace, then the cancel took \(took)")
        #expect(RecipeFixture.processes(inGroup: pid).isEmpty)
    }

    @Test func aJobLostWithoutAnExitRecordEndsInterrupted() async throws {
        let data = try TemporaryDirectory.make()
        try RecipeFixture.install(in: data)
        var server = try LiveServer(dataDirectory: data)
        defer { server.stop(signal: SIGKILL) }
        let id = try server.launchTemplate("recipe", parameters: #"{"hold_after":"1"}"#)
        var seen: [String: Any] = [:]
        _ = try await eventually(seconds: 60) {
            seen = try server.trainingJob(id)
            return seen["latest"] != nil
        }
        let pid = try #require(seen["pid"] as? Int).int32
        server.stop(signal: SIGKILL)
        // The whole group, its supervisor included, dies while no server watches.
        kill(-pid, SIGKILL)
        #expect(await eventually(seconds: 10) { RecipeFixture.processes(inGroup: pid).isEmpty })

        server = try LiveServer(dataDirectory: data)
        let ended = try await eventually(seconds: 30) {
            seen = try server.trainingJob(id)
            return seen["status"] as? String == "interrupted"
        }
        #expect(ended, "\(seen)")
        #expect((seen["error"] as? String)?.contains("is gone and left no exit record") == true, "\(seen)")
    }
}

extension Int {
    fileprivate var int32: Int32 { Int32(truncatingIfNeeded: self) }
}
