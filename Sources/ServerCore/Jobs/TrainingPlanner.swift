import Benchmarks
import Foundation

/// Turns a training request into what to run, refusing anything invalid
/// with a 400 that names it.
package struct TrainingPlanner: Sendable {
    package let config: ServerConfig
    package let submitter: EvaluationSubmitter
    /// The database's id (``ServerInstance``), part of a Ray job's submission id.
    package let instance: String

    package init(config: ServerConfig, submitter: EvaluationSubmitter, instance: String = "00000000") {
        self.config = config
        self.submitter = submitter
        self.instance = instance
    }

    package struct Plan: Sendable {
        package var kind: String
        /// Only an admin token may launch it (the template says so).
        package var requiresAdmin = false
        /// Builds the launch once the job's directory is known.
        package var launch: @Sendable (_ workdir: String) -> TrainingLaunch
    }

    package func validate(_ request: TrainingRequest) async throws -> Plan {
        if let evaluate = request.evaluate {
            guard !evaluate.benchmarks.isEmpty else {
                throw CoreError.invalid("invalid_training_job", "evaluate.benchmarks must not be empty")
            }
            for name in evaluate.benchmarks {
                do { _ = try BenchmarkDirectory.spec(named: name) } catch {
                    throw CoreError.invalid("unknown_benchmark", error.description)
                }
            }
            // Refused now, before a job exists, rather than when training is over.
            if let engine = evaluate.engine, engine != "builtin" {
                guard request.template != nil else {
                    throw CoreError.invalid(
                        "unsupported_engine",
                        "evaluate.engine \"\(engine)\": a built-in job's checkpoint runs on the built-in engine only; leave it out")
                }
                _ = try await submitter.engineProfile(named: engine)
            }
        }
        if let name = request.checkpointName, try await submitter.checkpoints.checkpointID(named: name) != nil {
            // Found now, not when a long run is over and its checkpoint cannot be registered under it.
            throw CoreError.conflict("checkpoint_name \"\(name)\" already names a checkpoint; choose another")
        }
        if let name = request.template { return try templatePlan(name, request) }
        return try await builtInPlan(request)
    }

    private func builtInPlan(_ request: TrainingRequest) async throws -> Plan {
        let run = try request.validateBuiltIn()
        var initPath: String?
        if let reference = request.initCheckpoint {
            let checkpoint = try await submitter.resolve(reference)
            guard checkpoint.kind == .file, let sha = checkpoint.sha256, checkpoint.metadata["format"] == "aepo-gpt" else {
                throw CoreError.invalid("invalid_init", "init must name a built-in (format aepo-gpt) checkpoint file")
            }
            initPath = config.checkpointsDirectory.appendingPathComponent(sha).path
        }
        var hyperparameters: String?
        if let values = request.hyperparameters, !values.isEmpty {
            hyperparameters = String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
        }
        let trainer = config.trainerCommand
        let evaluate = request.evaluate
        let initArguments = initPath.map { ["--init", $0] } ?? []
        let configArguments = hyperparameters.map { ["--config-json", $0] } ?? []
        return Plan(kind: "builtin") { workdir in
            let out = workdir + "/final.safetensors"
            var arguments = trainer + [
                "train", "--algorithm", run.algorithm, "--task", run.task, "--steps", String(run.steps),
                "--seed", String(run.seed), "--out", out, "--events", "-",
            ]
            arguments += initArguments + configArguments
            return TrainingLaunch(
                arguments: arguments, workingDirectory: workdir, eventsFile: nil, outputCheckpoint: out, evaluate: evaluate,
                checkpointName: "\(run.algorithm)-\(run.task)-seed\(run.seed)-step\(run.steps)-job\(workdir.split(separator: "/").last ?? "")",
                jobDirectory: workdir)
        }
    }

    private func templatePlan(_ name: String, _ request: TrainingRequest) throws -> Plan {
        guard request.algorithm == nil, request.task == nil, request.steps == nil, request.initCheckpoint == nil,
            request.hyperparameters == nil, request.seed == nil
        else {
            throw CoreError.invalid("invalid_training_job", "a template job takes only template and parameters")
        }
        let templates = try JobTemplates.load(dataDirectory: config.dataDirectory)
        guard let template = templates.first(where: { $0.name == name }) else {
            throw CoreError.invalid(
                "unknown_template",
                "no template \"\(name)\"; defined: \(templates.map(\.name).joined(separator: ", ").isEmpty ? "none (see job-templates.json)" : templates.map(\.name).joined(separator: ", "))")
        }
        // Only a template that says how to merge its checkpoint leaves
        // something to evaluate: otherwise the evaluation would be dropped.
        if request.evaluate != nil, template.checkpoints == nil {
            throw CoreError.invalid(
                "unsupported_evaluate",
                "template \(name) declares no checkpoints section, so its checkpoint is not collected; leave out evaluate")
        }
        if let checkpointName = request.checkpointName {
            guard template.checkpoints != nil else {
                throw CoreError.invalid(
                    "invalid_training_job", "template \(name) declares no checkpoints section; leave out checkpoint_name")
            }
            do { _ = try Name.validate(checkpointName) } catch {
                throw CoreError.invalid("invalid_name", "checkpoint_name: \(error.description)")
            }
        }
        if let devices = config.gpus, template.gpus > devices.count {
            throw CoreError.invalid(
                "insufficient_gpus", "template \(name) needs \(template.gpus) GPUs; this server has \(devices.count) (--gpus)")
        }
        let values = request.parameters ?? [:]
        let rayAddress = config.rayAddress
        // Validate now, with a stand-in directory, so a bad request is refused before a job exists.
        let trial = try template.resolve(
            values: values, workdir: config.dataDirectory.appendingPathComponent("jobs/0").path, rayAddress: rayAddress)
        // A directory under {workdir} cannot exist yet; any other must.
        if case .string(let written)? = template.ray?.runtimeEnvironment["working_dir"], !written.contains("{workdir}"),
            let directory = trial.ray?.localWorkingDirectory, !FileManager.default.fileExists(atPath: directory)
        {
            throw CoreError.invalid("invalid_template", "template \(name): ray.runtime_env.working_dir \(directory) does not exist")
        }
        let evaluate = request.evaluate
        let checkpointName = request.checkpointName
        let instance = self.instance
        return Plan(kind: "template", requiresAdmin: template.requiresAdmin) { workdir in
            // The job's id is its directory's name; its submission id is stored before any submit.
            let job = Int64(workdir.split(separator: "/").last ?? "") ?? 0
            let submissionID = ServerInstance.trainingSubmissionID(instance: instance, job: job)
            // Validated above; only the directory differs.
            let resolved = (try? template.resolve(
                values: values, workdir: workdir, rayAddress: rayAddress, submissionID: submissionID))
                ?? JobTemplate.Resolved(
                    arguments: template.command, workingDirectory: workdir, eventsFile: workdir + "/metrics.jsonl",
                    environment: [:], success: nil,
                    ray: trial.ray.map { ray in
                        var ray = ray
                        ray.submissionID = submissionID
                        return ray
                    })
            var checkpoints = resolved.checkpoints
            checkpoints?.name = checkpointName
            return TrainingLaunch(
                arguments: resolved.arguments, workingDirectory: resolved.workingDirectory, eventsFile: resolved.eventsFile,
                outputCheckpoint: nil, evaluate: evaluate, checkpointName: "\(name)-job\(workdir.split(separator: "/").last ?? "")",
                jobDirectory: workdir, environment: resolved.environment, gpus: template.gpus, success: resolved.success,
                checkpoints: checkpoints, ray: resolved.ray)
        }
    }
}
