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
/// `env`, `events_file`, `success` and `checkpoints` (``TemplateCheckpoints``).
/// Unknown keys are refused.
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

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case name, command, parameters, env, gpus, success, checkpoints
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
        try checkpoints?.validate(template: name, parameters: parameters)
        guard !command.isEmpty else { throw CoreError.invalid("invalid_template", "template \(name) has an empty command") }
        guard gpus >= 0 else { throw CoreError.invalid("invalid_template", "template \(name): gpus must be 0 or more") }
    }

    /// A template filled in for one job.
    package struct Resolved: Sendable, Equatable {
        package var arguments: [String]
        package var workingDirectory: String
        package var eventsFile: String
        package var environment: [String: String]
        package var success: SuccessCheck?
        package var checkpoints: CheckpointCollection?
    }

    /// The launch for `values` in job directory `workdir`, refusing unknown
    /// or missing parameters and values that break ``TemplateText``'s rules.
    package func resolve(values: [String: String], workdir: String) throws -> Resolved {
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
        return Resolved(
            arguments: command.map(fill), workingDirectory: workingDirectory.map(fill) ?? workdir, eventsFile: eventsFile,
            environment: environment, success: try success.map { try SuccessCheck(resolving: $0, in: self, with: fill) },
            checkpoints: checkpoints.map {
                CheckpointCollection(
                    directory: fill($0.directory ?? "{workdir}/checkpoints"), merge: $0.merge, values: resolved)
            })
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
