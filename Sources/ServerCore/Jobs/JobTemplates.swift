import Foundation

/// Admin-defined launchers for training at scale (e.g. the AEPO recipe on
/// verl), read from `<data-dir>/job-templates.json`. A request names a
/// template and fills its declared parameters; it can never pass a command.
///
/// ```json
/// {"templates": [{
///   "name": "verl-aepo",
///   "command": ["/opt/recipes/aepo.sh", "trainer.total_training_steps={steps}", "data.train_files={train_files}"],
///   "parameters": {"steps": {"default": "200", "pattern": "[0-9]{1,6}"}, "train_files": {"default": "['/data/train.parquet']"}},
///   "env": {"VLLM_USE_V1": "1"},
///   "gpus": 8,
///   "requires_admin": false,
///   "success": {"checkpoint_dir": "{workdir}/checkpoints", "min_checkpoint_step": "{steps}"}
/// }]}
/// ```
/// `{workdir}` is the job's own directory under `<data-dir>/jobs/`; it and
/// the parameters are substituted in the command, `working_directory`,
/// `env`, `events_file`, `success`, `checkpoints` (``TemplateCheckpoints``)
/// and the strings of `ray.runtime_env`. Unknown keys are refused.
///
/// `"launcher": "ray"` submits the command to a Ray cluster as a Ray job
/// (``RayTemplate``) instead of running it here; the default is `"local"`.
package struct JobTemplate: Decodable, Sendable, Equatable {
    package struct Parameter: Decodable, Sendable, Equatable {
        package var `default`: String?
        /// A regular expression every value must match entirely.
        package var pattern: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case `default`, pattern }

        package init(from decoder: any Decoder) throws {
            try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "a template parameter")
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.default = try container.decodeIfPresent(String.self, forKey: .default)
            pattern = try container.decodeIfPresent(String.self, forKey: .pattern)
        }
    }

    /// What a run that finished leaves behind; exit status 0 without it is a failure.
    package struct Success: Decodable, Sendable, Equatable {
        /// verl's `trainer.default_local_dir` (default `{workdir}/checkpoints`).
        package var checkpointDir: String?
        /// `latest_checkpointed_iteration.txt` names at least this step and
        /// its `global_step_N/actor` exists.
        package var minCheckpointStep: String?
        /// A metric event of at least this step was stored.
        package var minMetricStep: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case checkpointDir = "checkpoint_dir"
            case minCheckpointStep = "min_checkpoint_step"
            case minMetricStep = "min_metric_step"
        }

        package init(from decoder: any Decoder) throws {
            try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "a template's success")
            let container = try decoder.container(keyedBy: CodingKeys.self)
            checkpointDir = try container.decodeIfPresent(String.self, forKey: .checkpointDir)
            minCheckpointStep = try container.decodeIfPresent(String.self, forKey: .minCheckpointStep)
            minMetricStep = try container.decodeIfPresent(String.self, forKey: .minMetricStep)
        }
    }

    package var name: String
    package var command: [String]
    package var parameters: [String: Parameter] = [:]
    /// The verl file-logger JSONL to follow (default `{workdir}/metrics.jsonl`);
    /// the job gets it as `VERL_FILE_LOGGER_PATH`.
    package var eventsFile: String?
    package var workingDirectory: String?
    /// Variables the job gets on top of the server's short allow-list (``JobEnvironment``).
    package var env: [String: String] = [:]
    /// Only an admin token may launch it (a write token gets 403).
    package var requiresAdmin = false
    /// GPUs the job holds while it runs, out of the server's `--gpus`.
    package var gpus = 0
    package var success: Success?
    /// How the run's last checkpoint becomes an `hf` checkpoint; without
    /// it the job registers nothing and `evaluate` is refused.
    package var checkpoints: TemplateCheckpoints?
    /// Where the command runs.
    package var launcher: Launcher = .local
    /// The Ray cluster and runtime environment (`"launcher": "ray"` only).
    package var ray: RayTemplate?

    /// Where a template's command runs.
    package enum Launcher: String, Codable, Sendable, CaseIterable {
        /// A detached process on the server's machine (``DetachedProcess``).
        case local
        /// A job submitted to a Ray cluster's Jobs API (``RayJobsClient``).
        case ray
    }

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case name, command, parameters, env, gpus, success, checkpoints, launcher, ray
        case eventsFile = "events_file"
        case workingDirectory = "working_directory"
        case requiresAdmin = "requires_admin"
    }

    package init(from decoder: any Decoder) throws {
        try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "a job template")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        command = try container.decode([String].self, forKey: .command)
        // A template without parameters takes none.
        parameters = try container.decodeIfPresent([String: Parameter].self, forKey: .parameters) ?? [:]
        eventsFile = try container.decodeIfPresent(String.self, forKey: .eventsFile)
        workingDirectory = try container.decodeIfPresent(String.self, forKey: .workingDirectory)
        env = try container.decodeIfPresent([String: String].self, forKey: .env) ?? [:]
        requiresAdmin = try container.decodeIfPresent(Bool.self, forKey: .requiresAdmin) ?? false
        gpus = try container.decodeIfPresent(Int.self, forKey: .gpus) ?? 0
        success = try container.decodeIfPresent(Success.self, forKey: .success)
        checkpoints = try container.decodeIfPresent(TemplateCheckpoints.self, forKey: .checkpoints)
        let launcherName = try container.decodeIfPresent(String.self, forKey: .launcher) ?? Launcher.local.rawValue
        guard let launcher = Launcher(rawValue: launcherName) else {
            throw CoreError.invalid(
                "invalid_template",
                "template \(name): launcher \"\(launcherName)\" is not one of: \(Launcher.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.launcher = launcher
        ray = try container.decodeIfPresent(RayTemplate.self, forKey: .ray)
        try checkpoints?.validate(template: name, parameters: parameters)
        guard !command.isEmpty else { throw CoreError.invalid("invalid_template", "template \(name) has an empty command") }
        guard gpus >= 0 else { throw CoreError.invalid("invalid_template", "template \(name): gpus must be 0 or more") }
        try validateLauncher()
    }

    /// The keys that belong to one launcher only are refused with the other.
    private func validateLauncher() throws {
        func refuse(_ why: String) -> CoreError { CoreError.invalid("invalid_template", "template \(name): \(why)") }
        switch launcher {
        case .local:
            if ray != nil { throw refuse("a ray section needs \"launcher\": \"ray\"") }
        case .ray:
            // The cluster schedules a Ray job's GPUs, not the server's --gpus budget.
            if gpus > 0 { throw refuse("gpus is the local GPU budget; a Ray job asks the cluster (ray.entrypoint_num_gpus, verl's own resources)") }
            if workingDirectory != nil {
                throw refuse("working_directory applies to local jobs; a Ray job runs in ray.runtime_env.working_dir")
            }
            try ray?.validate(template: name)
        }
    }

    /// A template filled in for one job.
    package struct Resolved: Sendable, Equatable {
        package var arguments: [String]
        package var workingDirectory: String
        package var eventsFile: String
        package var environment: [String: String]
        package var success: SuccessCheck?
        package var checkpoints: CheckpointCollection?
        /// Where and how it runs on Ray (`"launcher": "ray"`).
        package var ray: RayLaunch?
    }

    /// The launch for `values` in job directory `workdir`, refusing unknown
    /// or missing parameters and values that break ``TemplateText``'s rules.
    /// - Parameters:
    ///   - rayAddress: the server's default Ray dashboard (`--ray-address`).
    ///   - submissionID: the Ray submission id of the job (`"launcher": "ray"`).
    package func resolve(
        values: [String: String], workdir: String, rayAddress: String? = nil, submissionID: String = ""
    ) throws -> Resolved {
        if let unknown = values.keys.sorted().first(where: { parameters[$0] == nil }) {
            throw CoreError.invalid(
                "unknown_parameter",
                "template \(name) has no parameter \"\(unknown)\"; valid: \(parameters.keys.sorted().joined(separator: ", "))")
        }
        var resolved = ["workdir": workdir]
        for (key, parameter) in parameters.sorted(by: { $0.key < $1.key }) {
            guard let value = values[key] ?? parameter.default else {
                throw CoreError.invalid("missing_parameter", "template \(name) needs parameter \"\(key)\"")
            }
            try TemplateText.check(value, parameter: key, pattern: parameter.pattern)
            resolved[key] = value
        }
        func fill(_ text: String) -> String { TemplateText.substitute(text, resolved) }
        let eventsFile = fill(eventsFile ?? "{workdir}/metrics.jsonl")
        var environment = env.mapValues(fill)
        environment["VERL_FILE_LOGGER_PATH"] = eventsFile
        var rayLaunch: RayLaunch?
        if launcher == .ray {
            guard let address = ray?.address ?? rayAddress else {
                throw CoreError.misconfigured(
                    "ray_address_missing",
                    "template \(name) runs on Ray but names no ray.address, and the server has no --ray-address")
            }
            rayLaunch = (ray ?? RayTemplate()).resolve(address: address, submissionID: submissionID, fill: fill)
        }
        return Resolved(
            arguments: command.map(fill), workingDirectory: workingDirectory.map(fill) ?? workdir, eventsFile: eventsFile,
            environment: environment, success: try success.map { try SuccessCheck(resolving: $0, in: self, with: fill) },
            checkpoints: checkpoints.map {
                CheckpointCollection(
                    directory: fill($0.directory ?? "{workdir}/checkpoints"), merge: $0.merge, values: resolved)
            }, ray: rayLaunch)
    }
}

/// The templates file of a data directory.
package enum JobTemplates {
    package static let fileName = "job-templates.json"

    package static func load(dataDirectory: URL) throws -> [JobTemplate] {
        let url = dataDirectory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        struct File: Decodable { var templates: [JobTemplate] }
        do {
            return try JSONDecoder().decode(File.self, from: data).templates
        } catch let error as CoreError {
            throw CoreError.misconfigured("invalid_templates", "\(fileName) cannot be used: \(error.message)")
        } catch {
            throw CoreError.misconfigured("invalid_templates", "\(fileName) cannot be read: \(error)")
        }
    }
}
