import Foundation
import Testing

@testable import ServerCore

/// A `"launcher": "ray"` template job against a real `aepo serve` and a
/// real Ray head: the server is killed with SIGKILL while the job trains;
/// the Ray job runs on without it; a new server on the same data directory
/// finds it by its submission id and follows it to the end, each metric
/// step stored exactly once; a cancel through the restarted server stops it.
@Suite("Live Ray template job across a server restart", .serialized, .enabled(if: RayHead.shouldRun))
struct LiveRayTrainingRestartTests {
    /// A data directory whose templates (``RayTrainingTests/templates(address:package:)``)
    /// run on the test process's Ray head.
    private func dataDirectory() async throws -> URL {
        let address = try await RayHead.dashboard()
        let data = try TemporaryDirectory.make()
        // Only the recipe goes into the package (the fixtures directory is large).
        let package = data.appendingPathComponent("recipe-package")
        try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: TestEnvironment.fixture("stand_in_verl_recipe.py"),
            toPath: package.appendingPathComponent("stand_in_verl_recipe.py").path)
        try Data(RayTrainingTests.templates(address: address, package: package.path).utf8)
            .write(to: data.appendingPathComponent(JobTemplates.fileName))
        return data
    }

    private func step(_ job: [String: Any]) -> Int { (job["latest"] as? [String: Any])?["step"] as? Int ?? 0 }

    private func submissionID(_ job: [String: Any]) throws -> String {
        try #require((job["ray"] as? [String: Any])?["submission_id"] as? String, "\(job)")
    }

    @Test func aKilledServerFollowsItsRayJobAgainWithEveryStepOnce() async throws {
        let data = try await dataDirectory()
        let ray = try RayJobsClient(address: try await RayHead.dashboard())
        var server = try LiveServer(dataDirectory: data)
        defer { server.stop(signal: SIGKILL) }
        // The job holds after step 3 until told to go; it resumes once after
        // step 5 (its metrics file truncated, as verl's on a resume).
        let id = try server.launchTemplate("ray-recipe", parameters: #"{"steps":"8","hold_after":"3","restart_at":"5"}"#)
        var seen: [String: Any] = [:]
        let holding = try await eventually(seconds: 120) {
            seen = try server.trainingJob(id)
            return step(seen) >= 3
        }
        #expect(holding, "\(seen)")
        let submission = try submissionID(seen)
        #expect(server.stop(signal: SIGKILL) == SIGKILL)
        // The Ray job did not go with the server.
        #expect(try await ray.info(submission).status == .running)

        server = try LiveServer(dataDirectory: data)
        #expect(try server.trainingJob(id)["status"] as? String == "running")
        _ = FileManager.default.createFile(atPath: data.appendingPathComponent("jobs/\(id)/go").path, contents: nil)
        let ended = try await eventually(seconds: 120) {
            seen = try server.trainingJob(id)
            return !["pending", "running"].contains(seen["status"] as? String ?? "")
        }
        #expect(ended && seen["status"] as? String == "finished", "\(seen)")
        // Sorted: step 4 was only in the metrics file the resumed run
        // truncated, so it may come later, from Ray's log.
        let steps = try server.metricSteps(job: id)
        #expect(steps.sorted() == Array(1...8), "each step exactly once: \(steps)")
        #expect(try await ray.info(submission).status == .succeeded)
    }

    @Test func theRestartedServerCancelsTheRayJob() async throws {
        let data = try await dataDirectory()
        let ray = try RayJobsClient(address: try await RayHead.dashboard())
        var server = try LiveServer(dataDirectory: data, arguments: ["--cancel-grace", "1s"])
        defer { server.stop(signal: SIGKILL) }
        // Held after step 1 for the recipe's 120 s: only the cancel ends it sooner.
        let id = try server.launchTemplate("ray-recipe", parameters: #"{"hold_after":"1"}"#)
        var seen: [String: Any] = [:]
        #expect(try await eventually(seconds: 120) {
            seen = try server.trainingJob(id)
            return step(seen) >= 1
        }, "\(seen)")
        let submission = try submissionID(seen)
        server.stop(signal: SIGKILL)

        server = try LiveServer(dataDirectory: data, arguments: ["--cancel-grace", "1s"])
        #expect(try server.trainingJob(id)["status"] as? String == "running")
        let answer = try curl([
            "-X", "POST", "-H", "Authorization: Bearer \(server.adminToken)", "\(server.baseURL)/api/v1/training-jobs/\(id)/cancel",
        ]).output
        #expect(answer.contains(#""status":"cancelled""#), "\(answer)")
        var status: RayJobInfo.Status?
        // Ray's own grace is about 3 s; a loaded machine is slower.
        let deadline = ContinuousClock.now + .seconds(60)
        while status?.isTerminal != true, ContinuousClock.now < deadline {
            status = try? await ray.info(submission).status
            if status?.isTerminal != true { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(status == .stopped, "\(String(describing: status))")
    }
}
