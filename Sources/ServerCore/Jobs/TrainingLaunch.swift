import Foundation

/// What a training job runs: the argv (no shell), its working directory, and
/// where its metrics and final checkpoint appear. Stored with the job, so
/// a restarted server knows how to follow it.
package struct TrainingLaunch: Codable, Sendable, Equatable {
    package var arguments: [String]
    package var workingDirectory: String
    /// The verl file-logger JSONL to follow (template jobs; given to the job
    /// as `VERL_FILE_LOGGER_PATH`). Builtin jobs print the same lines on stdout.
    package var eventsFile: String?
    /// The checkpoint a builtin job writes (`--out`).
    package var outputCheckpoint: String?
    package var evaluate: TrainingRequest.Evaluate?
    /// The checkpoint's name once registered.
    package var checkpointName: String
    /// The job's own directory (`<data-dir>/jobs/<id>`): its `stdout.log`,
    /// `stderr.log` and `exit.json`. Missing in jobs of older servers.
    package var jobDirectory: String?
    /// What the job's environment sets on top of ``JobEnvironment``'s allow-list.
    package var environment: [String: String]?
    /// GPUs the job holds while it runs.
    package var gpus: Int?
    /// What a run that exited 0 must have left behind.
    package var success: SuccessCheck?
    /// A template job's checkpoint merge and registration.
    package var checkpoints: CheckpointCollection?
    /// Set for a template job that runs on a Ray cluster (`"launcher": "ray"`).
    package var ray: RayLaunch?

    package init(
        arguments: [String], workingDirectory: String, eventsFile: String?, outputCheckpoint: String?,
        evaluate: TrainingRequest.Evaluate?, checkpointName: String, jobDirectory: String? = nil,
        environment: [String: String]? = nil, gpus: Int? = nil, success: SuccessCheck? = nil,
        checkpoints: CheckpointCollection? = nil, ray: RayLaunch? = nil
    ) {
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.eventsFile = eventsFile
        self.outputCheckpoint = outputCheckpoint
        self.evaluate = evaluate
        self.checkpointName = checkpointName
        self.jobDirectory = jobDirectory
        self.environment = environment
        self.gpus = gpus
        self.success = success
        self.checkpoints = checkpoints
        self.ray = ray
    }

    /// The job's directory, its working directory for jobs of older servers.
    package var directory: String { jobDirectory ?? workingDirectory }
    package var standardOutputPath: String { directory + "/stdout.log" }
    package var standardErrorPath: String { directory + "/stderr.log" }
    package var exitRecordPath: String { directory + "/exit.json" }
    package var identityRecordPath: String { directory + "/supervisor.json" }
    /// The checkpoint merger's supervisor records (it runs after the command).
    package var mergeExitRecordPath: String { directory + "/merge-exit.json" }
    package var mergeIdentityRecordPath: String { directory + "/merge-supervisor.json" }
    /// Where the merger writes the `hf` directory of `step`.
    package func mergeTarget(step: Int) -> String { directory + "/merged/step\(step)" }
}
