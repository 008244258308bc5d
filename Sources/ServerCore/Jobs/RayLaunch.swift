import Benchmarks
import Foundation

/// How a template job runs on a Ray cluster, stored with its launch: the
/// submission id is chosen (and stored) before the job is submitted, so a
/// server that stops between the two finds the job by it, or submits it.
package struct RayLaunch: Codable, Sendable, Equatable {
    /// The dashboard, e.g. `http://head:8265`.
    package var address: String
    /// `aepo-<instance>-job-<id>` (``ServerInstance/trainingSubmissionID(instance:job:)``).
    package var submissionID: String
    /// The template's `runtime_env`, filled in; `working_dir` may still be a
    /// local directory, uploaded when the job is submitted.
    package var runtimeEnvironment: [String: JSONValue]
    package var numGPUs: Double?
    package var numCPUs: Double?

    package enum CodingKeys: String, CodingKey {
        case address
        case submissionID = "submission_id"
        case runtimeEnvironment = "runtime_env"
        case numGPUs = "entrypoint_num_gpus"
        case numCPUs = "entrypoint_num_cpus"
    }

    /// A local `working_dir` (anything without `scheme://`), which must be uploaded.
    package var localWorkingDirectory: String? {
        guard case .string(let directory)? = runtimeEnvironment["working_dir"], !directory.contains("://") else { return nil }
        return directory
    }

    /// The submission of `arguments` with `environment` as its `env_vars`
    /// and `workingDirectory` (a URI) in place of the template's.
    package func submission(
        arguments: [String], environment: [String: String], workingDirectory: String?, job: Int64
    ) -> RayJobSubmission {
        var submission = RayJobSubmission(submissionID: submissionID, entrypoint: arguments)
        var runtime = runtimeEnvironment
        if let workingDirectory { runtime["working_dir"] = .string(workingDirectory) }
        if !environment.isEmpty { runtime["env_vars"] = .object(environment.mapValues { .string($0) }) }
        submission.runtimeEnvironment = runtime
        submission.numGPUs = numGPUs
        submission.numCPUs = numCPUs
        submission.metadata = ["aepo_training_job": String(job)]
        return submission
    }
}
