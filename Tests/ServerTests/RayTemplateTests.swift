import Benchmarks
import Foundation
import Testing

@testable import ServerCore

/// A template's `launcher` and `ray` section: checked when the templates
/// file is read, filled in per job, turned into Ray's submission. No
/// cluster needed.
@Suite("Ray job templates")
struct RayTemplateTests {
    private func decode(_ json: String) throws -> JobTemplate {
        try JSONDecoder().decode(JobTemplate.self, from: Data(json.utf8))
    }

    @Test(arguments: [
        (#""launcher": "k8s""#, "launcher \"k8s\" is not one of: local, ray"),
        (#""ray": {"address": "http://h:8265"}"#, "a ray section needs \"launcher\": \"ray\""),
        (#""launcher": "ray", "ray": {"adress": "http://h:8265"}"#, "unknown field in a template's ray section: adress"),
        (#""launcher": "ray", "ray": {"address": "h:8265"}"#, "ray.address"),
        (#""launcher": "ray", "ray": {"runtime_env": {"env_vars": {"A": "1"}}}"#, "the job's variables are the template's env"),
        (#""launcher": "ray", "ray": {"runtime_env": {"working_dir": 3}}"#, "working_dir must be a string"),
        (#""launcher": "ray", "ray": {"entrypoint_num_gpus": -1}"#, "entrypoint_num_gpus must be 0 or more"),
        (#""launcher": "ray", "gpus": 2"#, "gpus is the local GPU budget"),
        (#""launcher": "ray", "working_directory": "/x""#, "working_directory applies to local jobs"),
    ])
    func aBadLauncherOrRaySectionIsRefused(fields: String, message: String) throws {
        #expect {
            _ = try decode(#"{"name": "t", "command": ["python3", "run.py"], "# + fields + "}")
        } throws: { error in
            (error as? CoreError)?.message.contains(message) == true
        }
    }

    @Test func theRaySectionIsFilledInAndSubmittedWithTheTemplatesEnvironment() throws {
        let template = try decode("""
            {"name": "t", "launcher": "ray", "command": ["python3", "-m", "verl.trainer.main_ppo", "trainer.total_training_steps={steps}"],
             "parameters": {"steps": {"default": "5"}},
             "env": {"VLLM_USE_V1": "1", "OUT": "{workdir}/out"},
             "ray": {"runtime_env": {"working_dir": "{workdir}/pkg", "pip": ["verl=={steps}"], "config": {"setup_timeout_seconds": 60}},
                     "entrypoint_num_gpus": 0.5, "entrypoint_num_cpus": 2}}
            """)
        #expect(template.launcher == .ray)
        #expect {
            try template.resolve(values: [:], workdir: "/d/jobs/7")
        } throws: { error in
            (error as? CoreError)?.code == "ray_address_missing"
        }
        let resolved = try template.resolve(values: ["steps": "9"], workdir: "/d/jobs/7", rayAddress: "http://head:8265", submissionID: "aepo-ab-job-7")
        let ray = try #require(resolved.ray)
        #expect(ray.address == "http://head:8265" && ray.submissionID == "aepo-ab-job-7")
        #expect(ray.localWorkingDirectory == "/d/jobs/7/pkg")
        #expect(ray.runtimeEnvironment["pip"] == .array([.string("verl==9")]))
        let submission = ray.submission(
            arguments: resolved.arguments, environment: resolved.environment, workingDirectory: "gcs://_ray_pkg_x.zip", job: 7)
        #expect(submission.entrypoint == ["python3", "-m", "verl.trainer.main_ppo", "trainer.total_training_steps=9"])
        #expect(submission.runtimeEnvironment["working_dir"] == .string("gcs://_ray_pkg_x.zip"))
        #expect(submission.runtimeEnvironment["config"] == .object(["setup_timeout_seconds": .number(60)]))
        #expect(submission.runtimeEnvironment["env_vars"] == .object([
            "VLLM_USE_V1": .string("1"), "OUT": .string("/d/jobs/7/out"), "VERL_FILE_LOGGER_PATH": .string("/d/jobs/7/metrics.jsonl"),
        ]))
        #expect(submission.numGPUs == 0.5 && submission.numCPUs == 2)
        // A URI is not a local directory: it goes to Ray as written.
        var uri = ray
        uri.runtimeEnvironment["working_dir"] = .string("s3://bucket/recipe.zip")
        #expect(uri.localWorkingDirectory == nil)
    }

    @Test func aRayJobsLogIsReadLineByLineFromAByteOffset() {
        let log = "Runtime env is setting up.\nstep:1 - a:1\nstep:2 - é:2\npartial"
        let first = RayLogLines.lines(of: log, from: 0, final: false)
        #expect(first.lines == ["Runtime env is setting up.", "step:1 - a:1", "step:2 - é:2"])
        #expect(first.next == Int64(log.utf8.count - "partial".utf8.count))
        #expect(RayLogLines.lines(of: log, from: first.next, final: false).lines.isEmpty)
        let last = RayLogLines.lines(of: log, from: first.next, final: true)
        #expect(last.lines == ["partial"] && last.next == Int64(log.utf8.count))
    }

    @Test func aBoundedReadKeepsItsCutLineForTheNextUnlessItHasNoNewlineAtAll() {
        let bytes = Array("step:1 - a:1\n\nstep:2 - b:2\nstep:3".utf8)
        let read = RayLogLines.lines(of: bytes[...], final: false, whole: true)
        #expect(read.lines == ["step:1 - a:1", "step:2 - b:2"])
        #expect(read.consumed == bytes.count - "step:3".utf8.count)
        #expect(RayLogLines.lines(of: bytes[read.consumed...], final: true, whole: false).lines == ["step:3"])
        // A line longer than the bound: taken as it is, or the reader would never move.
        let long = Array(repeating: UInt8(ascii: "x"), count: 16)
        #expect(RayLogLines.lines(of: long[...], final: false, whole: true) == (["xxxxxxxxxxxxxxxx"], 16))
        #expect(RayLogLines.lines(of: long[...], final: false, whole: false).consumed == 0)
    }

    @Test func aContentRangeGivesTheFilesSize() {
        #expect(RayJobsClient.size(contentRange: "bytes 10-40/323") == 323)
        #expect(RayJobsClient.size(contentRange: "bytes */323") == 323)
        #expect(RayJobsClient.size(contentRange: "bytes 0-9/*") == nil)
        #expect(RayJobsClient.size(contentRange: nil) == nil)
        #expect(RayJobsClient.size(contentRange: "items 0-9/10") == nil)
    }

    @Test func aFailureNamesRaysExitCodeAndTheFirstLineOfItsMessage() throws {
        let info = try JSONDecoder().decode(RayJobInfo.self, from: Data("""
            {"status": "FAILED", "driver_exit_code": 1, "error_type": "JOB_ENTRYPOINT_COMMAND_ERROR",
             "message": "Job entrypoint command failed with exit code 1, last available logs:\\nTraceback ..."}
            """.utf8))
        #expect(TrainingManager.rayFailure(info, submission: "s") == "the Ray job s failed with exit code 1 "
            + "(JOB_ENTRYPOINT_COMMAND_ERROR): Job entrypoint command failed with exit code 1, last available logs:")
    }
}
