import Benchmarks
import Foundation

/// How an admin's inference engine (vLLM, SGLang, `aepo serve-model`, ...)
/// is launched for an `hf` checkpoint: `PUT /api/v1/engines/{name}` or
/// `<data-dir>/engines.json`.
///
/// ```json
/// {"command": ["vllm", "serve", "{model_dir}", "--port", "{port}", "--served-model-name", "{model}",
///              "--tensor-parallel-size", "2"],
///  "gpus_per_replica": 2, "replicas": 1, "env": {"VLLM_USE_V1": "1"},
///  "health_path": "/v1/models", "startup_timeout_seconds": 900, "idle_seconds": 600,
///  "launcher": "local", "max_concurrency": 32}
/// ```
package struct EngineProfile: Codable, Sendable, Equatable {
    /// Where replicas run.
    package enum Launcher: String, Codable, Sendable, CaseIterable {
        /// Child process groups on this machine.
        case local
        /// Ray jobs on a cluster (``RaySettings``), through its Jobs API.
        case ray
    }

    package var name: String
    /// The argv; `{model_dir}`, `{port}`, `{model}` and `{host}` are filled per replica.
    package var command: [String]
    /// GPUs each replica gets through `CUDA_VISIBLE_DEVICES` (default 0).
    package var gpusPerReplica = 0
    /// Replicas started per checkpoint (default 1); calls are spread over them.
    package var replicas = 1
    /// Extra environment on top of the server's, secrets removed (default none).
    package var env: [String: String] = [:]
    /// Polled until it answers 200 (default `/v1/models`).
    package var healthPath = "/v1/models"
    /// How long a replica may take to answer its health check (default 900 s:
    /// a large model loads and compiles for minutes).
    package var startupTimeoutSeconds = 900.0
    /// Replicas with no call for this long are stopped (default 600 s).
    package var idleSeconds = 600.0
    package var launcher = Launcher.local
    /// Requests in flight per replica (default 16).
    package var maxConcurrency = 16
    /// The cluster of the `ray` launcher.
    package var ray: RaySettings?

    package static let placeholders = ["model_dir", "port", "model", "host"]
    /// Engine names are plain tokens: they appear in URLs and configurations.
    package static let namePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case name, command, replicas, env, launcher, ray
        case gpusPerReplica = "gpus_per_replica"
        case healthPath = "health_path"
        case startupTimeoutSeconds = "startup_timeout_seconds"
        case idleSeconds = "idle_seconds"
        case maxConcurrency = "max_concurrency"
    }

    package init(name: String, command: [String]) {
        self.name = name
        self.command = command
    }

    /// Decodes a profile; `name` may be left out (the URL names it).
    package init(from decoder: any Decoder) throws {
        try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "the engine profile")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        command = try container.decode([String].self, forKey: .command)
        gpusPerReplica = try container.decodeIfPresent(Int.self, forKey: .gpusPerReplica) ?? gpusPerReplica
        replicas = try container.decodeIfPresent(Int.self, forKey: .replicas) ?? replicas
        env = try container.decodeIfPresent([String: String].self, forKey: .env) ?? env
        healthPath = try container.decodeIfPresent(String.self, forKey: .healthPath) ?? healthPath
        startupTimeoutSeconds =
            try container.decodeIfPresent(Double.self, forKey: .startupTimeoutSeconds) ?? startupTimeoutSeconds
        idleSeconds = try container.decodeIfPresent(Double.self, forKey: .idleSeconds) ?? idleSeconds
        let launcherName = try container.decodeIfPresent(String.self, forKey: .launcher) ?? "local"
        guard let launcher = Launcher(rawValue: launcherName) else {
            throw CoreError.invalid(
                "invalid_engine", "unknown launcher \"\(launcherName)\"; valid: \(Launcher.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.launcher = launcher
        maxConcurrency = try container.decodeIfPresent(Int.self, forKey: .maxConcurrency) ?? maxConcurrency
        ray = try container.decodeIfPresent(RaySettings.self, forKey: .ray)
    }

    /// The profile checked field by field, each failure a 400 naming the field.
    package func validated() throws -> EngineProfile {
        func invalid(_ message: String) -> CoreError { .invalid("invalid_engine", "engine \"\(name)\": \(message)") }
        guard name.range(of: Self.namePattern, options: .regularExpression) != nil else {
            throw CoreError.invalid(
                "invalid_name", "an engine name is 1-64 letters, digits, \".\", \"_\" or \"-\", starting with a letter or digit; got \"\(name)\"")
        }
        guard name != "builtin" else { throw invalid("\"builtin\" is the embedded engine's name") }
        switch (launcher, ray) {
        case (.ray, nil): throw invalid("the ray launcher needs \"ray\": {\"address\": \"http://head:8265\"}")
        case (.ray, let settings?): try settings.validate(invalid)
        case (.local, nil): break
        case (.local, _?): throw invalid("\"ray\" settings are for \"launcher\": \"ray\"")
        }
        guard let program = command.first, !program.isEmpty else { throw invalid("command must name a program") }
        guard command.count <= 256, command.allSatisfy({ $0.utf8.count <= 4096 && !$0.contains("\0") }) else {
            throw invalid("command has too many or too long arguments, or a NUL byte")
        }
        for argument in command {
            for placeholder in Self.placeholdersIn(argument) where !Self.placeholders.contains(placeholder) {
                throw invalid(
                    "command uses {\(placeholder)}; valid placeholders: \(Self.placeholders.map { "{\($0)}" }.joined(separator: ", "))")
            }
        }
        guard command.contains(where: { $0.contains("{port}") }) else {
            throw invalid("command must pass {port}: the server chooses each replica's port")
        }
        guard (0...64).contains(gpusPerReplica) else { throw invalid("gpus_per_replica must be between 0 and 64") }
        guard (1...64).contains(replicas) else { throw invalid("replicas must be between 1 and 64") }
        guard (1...1024).contains(maxConcurrency) else { throw invalid("max_concurrency must be between 1 and 1024") }
        guard startupTimeoutSeconds > 0, startupTimeoutSeconds <= 86_400 else {
            throw invalid("startup_timeout_seconds must be more than 0 and at most 86400")
        }
        guard idleSeconds > 0, idleSeconds <= 7 * 86_400 else { throw invalid("idle_seconds must be more than 0 and at most 604800") }
        guard healthPath.hasPrefix("/"), healthPath.utf8.count <= 512,
            healthPath.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { throw invalid("health_path must be a path starting with \"/\"") }
        guard env.count <= 256 else { throw invalid("env may hold at most 256 variables") }
        for (key, value) in env {
            guard key.range(of: "^[A-Za-z_][A-Za-z0-9_]{0,127}$", options: .regularExpression) != nil else {
                throw invalid("env has an invalid variable name \"\(key)\"")
            }
            guard key != "CUDA_VISIBLE_DEVICES" else {
                throw invalid("env must not set CUDA_VISIBLE_DEVICES: the server hands out GPUs from its pool")
            }
            guard !value.contains("\0"), value.utf8.count <= 8192 else { throw invalid("env.\(key) is too long or holds a NUL byte") }
        }
        return self
    }

    /// The argv of one replica.
    package func arguments(modelDirectory: String, port: Int, model: String, host: String) -> [String] {
        let values = ["model_dir": modelDirectory, "port": String(port), "model": model, "host": host]
        return command.map { argument in
            values.reduce(argument) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
    }

    /// The `{name}` placeholders of an argument.
    static func placeholdersIn(_ argument: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: "\\{([A-Za-z_]+)\\}") else { return [] }
        let range = NSRange(argument.startIndex..., in: argument)
        return regex.matches(in: argument, range: range).compactMap { match in
            Range(match.range(at: 1), in: argument).map { String(argument[$0]) }
        }
    }

    /// Canonical JSON of the profile (stored with every replica it launches).
    package func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
