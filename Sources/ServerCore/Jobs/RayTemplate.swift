import Benchmarks
import Foundation

/// A job template's `ray` section: where and how its command runs as a
/// Ray job (`"launcher": "ray"`) instead of a local detached process.
///
/// ```json
/// "launcher": "ray",
/// "ray": {"address": "http://head:8265",
///         "runtime_env": {"working_dir": "/opt/recipes/aepo", "pip": ["verl==0.5.0"]},
///         "entrypoint_num_gpus": 0, "entrypoint_num_cpus": 1}
/// ```
/// `address` is the cluster's dashboard; without it the server's
/// `--ray-address` applies. `runtime_env` is passed through to Ray with
/// parameters and `{workdir}` filled in its strings, except two keys: a
/// `working_dir` that is a local directory is zipped and uploaded (the
/// REST API takes only URIs), and `env_vars` is refused: the job's
/// variables are the template's `env` (and `VERL_FILE_LOGGER_PATH`), so a
/// Ray job gets the same variables a local one would, never the server's.
package struct RayTemplate: Decodable, Sendable, Equatable {
    package var address: String?
    package var runtimeEnvironment: [String: JSONValue] = [:]
    /// Ray's `entrypoint_num_gpus`: GPUs reserved for the entrypoint itself
    /// (verl's driver needs none; its workers ask the cluster for theirs).
    package var entrypointGPUs: Double?
    package var entrypointCPUs: Double?

    /// A section with nothing set: the server's address, no runtime environment.
    package init() {}

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case address
        case runtimeEnvironment = "runtime_env"
        case entrypointGPUs = "entrypoint_num_gpus"
        case entrypointCPUs = "entrypoint_num_cpus"
    }

    package init(from decoder: any Decoder) throws {
        try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "a template's ray section")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        address = try container.decodeIfPresent(String.self, forKey: .address)
        runtimeEnvironment = try container.decodeIfPresent([String: JSONValue].self, forKey: .runtimeEnvironment) ?? [:]
        entrypointGPUs = try container.decodeIfPresent(Double.self, forKey: .entrypointGPUs)
        entrypointCPUs = try container.decodeIfPresent(Double.self, forKey: .entrypointCPUs)
    }

    /// Checks what Ray would refuse only once the job is submitted.
    func validate(template name: String) throws {
        func refuse(_ why: String) -> CoreError { CoreError.invalid("invalid_template", "template \(name): ray.\(why)") }
        if let address {
            do { _ = try RayJobsClient(address: address) } catch { throw refuse("address: \(error)") }
        }
        if runtimeEnvironment["env_vars"] != nil {
            throw refuse("runtime_env.env_vars is not taken: the job's variables are the template's env")
        }
        if let directory = runtimeEnvironment["working_dir"] {
            guard case .string = directory else { throw refuse("runtime_env.working_dir must be a string (a directory or a URI)") }
        }
        for (key, value) in [("entrypoint_num_gpus", entrypointGPUs), ("entrypoint_num_cpus", entrypointCPUs)] {
            if let value, !(value >= 0) { throw refuse("\(key) must be 0 or more") }
        }
    }

    /// The section filled in for one job, on the cluster at `address`.
    func resolve(address: String, submissionID: String, fill: (String) -> String) -> RayLaunch {
        RayLaunch(
            address: address, submissionID: submissionID,
            runtimeEnvironment: runtimeEnvironment.mapValues { Self.fill($0, fill) },
            numGPUs: entrypointGPUs, numCPUs: entrypointCPUs)
    }

    /// `value` with `fill` applied to every string in it (keys stay as written).
    private static func fill(_ value: JSONValue, _ fill: (String) -> String) -> JSONValue {
        switch value {
        case .string(let text): .string(fill(text))
        case .array(let items): .array(items.map { Self.fill($0, fill) })
        case .object(let object): .object(object.mapValues { Self.fill($0, fill) })
        case .null, .bool, .number: value
        }
    }
}
