import Benchmarks
import Foundation

extension EngineProfile {
    /// Where the `ray` launcher places replicas: a cluster's dashboard and
    /// what each replica's Ray job gets.
    ///
    /// ```json
    /// "ray": {"address": "http://head:8265", "runtime_env": {"pip": ["vllm==0.11.0"]},
    ///         "entrypoint_num_cpus": 4, "checkpoints_path": "/mnt/shared/aepo/checkpoints"}
    /// ```
    package struct RaySettings: Codable, Sendable, Equatable {
        /// The dashboard of the cluster (the Ray Jobs API).
        package var address: String
        /// Passed to Ray as the job's `runtime_env`; a local `working_dir` is
        /// packaged and uploaded first. Variables go in the profile's `env`.
        package var runtimeEnvironment: [String: JSONValue] = [:]
        /// CPUs reserved for each replica's entrypoint (GPUs are `gpus_per_replica`).
        package var entrypointNumCPUs: Double?
        /// Where the cluster's nodes see this server's `<data-dir>/checkpoints`
        /// (a shared filesystem); default: the same path.
        package var checkpointsPath: String?

        package enum CodingKeys: String, CodingKey, CaseIterable {
            case address
            case runtimeEnvironment = "runtime_env"
            case entrypointNumCPUs = "entrypoint_num_cpus"
            case checkpointsPath = "checkpoints_path"
        }

        package init(address: String) {
            self.address = address
        }

        package init(from decoder: any Decoder) throws {
            try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "the engine profile's ray settings")
            let container = try decoder.container(keyedBy: CodingKeys.self)
            address = try container.decode(String.self, forKey: .address)
            runtimeEnvironment = try container.decodeIfPresent([String: JSONValue].self, forKey: .runtimeEnvironment) ?? [:]
            entrypointNumCPUs = try container.decodeIfPresent(Double.self, forKey: .entrypointNumCPUs)
            checkpointsPath = try container.decodeIfPresent(String.self, forKey: .checkpointsPath)
        }

        /// The settings checked, each failure naming the field.
        func validate(_ invalid: (String) -> CoreError) throws {
            guard (try? RayJobsClient(address: address)) != nil else {
                throw invalid("ray.address must be the http:// URL of the cluster's dashboard, e.g. http://head:8265")
            }
            if runtimeEnvironment["env_vars"] != nil {
                throw invalid("ray.runtime_env must not set env_vars: put the variables in the profile's env")
            }
            if let cpus = entrypointNumCPUs, !(cpus >= 0 && cpus <= 1024) {
                throw invalid("ray.entrypoint_num_cpus must be between 0 and 1024")
            }
            if let path = checkpointsPath, !path.hasPrefix("/") {
                throw invalid("ray.checkpoints_path must be an absolute path")
            }
        }
    }

    /// The line a Ray replica's bootstrap prints once it has its port.
    static let rayPortMarker = "aepo-replica-port: "

    /// The entrypoint of one Ray replica: a small Python bootstrap (Ray's
    /// nodes always have Python) binds a free port on its node, prints it
    /// (``rayPortMarker``) for aepo to read from the job's log, puts it in
    /// place of `{port}` and executes the engine's command in its own
    /// process, which Ray stops with the job. aepo learns the node's address
    /// from the job (`driver_agent_http_address`).
    func rayEntrypoint(modelDirectory: String, model: String) -> [String] {
        let values = ["model_dir": modelDirectory, "model": model, "host": "0.0.0.0"]
        let command = command.map { argument in
            values.reduce(argument) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
        let bootstrap = """
            import os, socket, sys
            probe = socket.socket()
            probe.bind(("", 0))
            port = str(probe.getsockname()[1])
            probe.close()
            print("\(Self.rayPortMarker)" + port, flush=True)
            argv = [argument.replace("{port}", port) for argument in sys.argv[1:]]
            os.execvp(argv[0], argv)
            """
        // `sh` finds the Python the node has, then hands it the script and the command.
        return ["sh", "-c", #"exec "$(command -v python3 || command -v python)" -c "$0" "$@""#, bootstrap] + command
    }
}
