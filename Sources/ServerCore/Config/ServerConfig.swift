import Foundation

/// Everything `aepo serve` needs, built from flags and the environment.
package struct ServerConfig: Sendable {
    package var host = "127.0.0.1"
    package var port = 8080
    package var dataDirectory = URL(fileURLWithPath: "aepo-data")
    /// Largest accepted upload body, in bytes (default 64 GiB).
    package var maxUploadBytes: Int64 = 64 << 30
    /// Largest accepted JSON body, in bytes.
    package var maxJSONBytes = 1 << 20
    /// Largest accepted benchmark dataset file, in bytes.
    package var maxDatasetBytes = 512 << 20
    /// Largest corpus file accepted over HTTP (larger ones: `--data-dir`).
    package var maxCorpusBytes = 1 << 30
    /// A Python with `math_verify` for the math scorer's worker, if any.
    package var python: URL?
    /// How the server runs `aepo train` for built-in jobs: this binary by default.
    package var trainerCommand: [String] = [ServerConfig.ownExecutable]
    /// How long a cancelled training process gets between SIGTERM and SIGKILL.
    package var cancelGrace: Duration = .seconds(10)
    /// How training jobs are started detached (``JobSupervisor``): this
    /// binary's hidden `supervise` command by default.
    package var supervisorCommand: [String] = [ServerConfig.ownExecutable, "supervise"]
    /// Training jobs running at once (nil: no bound); more wait as `pending`.
    package var maxRunningJobs: Int?
    /// The GPU devices training jobs share (nil: GPUs are not managed).
    package var gpus: [Int]?
    /// The Ray dashboard of template jobs with `"launcher": "ray"` whose
    /// template names no `ray.address` (`aepo serve --ray-address`).
    package var rayAddress: String?
    /// Log bytes kept per training job, in the store and on disk.
    package var jobLogLimit: Int64 = 16 << 20
    /// A connection that sends nothing for this long while no response is
    /// being written is closed, including one that never finishes its
    /// request head (a client trickling header bytes).
    package var idleTimeout: Duration = .seconds(30)
    /// What the built-in engine knows of the Hugging Face architectures it
    /// runs: decides `runnable_by` of uploaded `hf` checkpoints.
    package var hfTensorCheck: any HFTensorCheck = BuiltinHFTensorCheck()
    /// GPU ids engine replicas may use, handed out through
    /// `CUDA_VISIBLE_DEVICES`; none by default. `aepo serve --gpus` sets
    /// this and `gpus` to the same devices (the two pools are not yet one:
    /// a training job and a replica may be given the same device).
    package var engineGPUs: [String] = []
    /// How long a stopped engine replica gets between SIGTERM and SIGKILL.
    package var engineStopGrace: Duration = .seconds(10)
    /// `AEPO_ADMIN_TOKEN`, when set.
    package var adminToken: String?
    /// Where the keys of remote tools are read, by variable name
    /// (`AEPO_WEB_SEARCH_KEY`, a deep search's `key_env` and
    /// `summarizer.api_key_env`): the server's own environment.
    package var environment: [String: String] = ProcessInfo.processInfo.environment

    package init() {}

    package var checkpointsDirectory: URL { dataDirectory.appendingPathComponent("checkpoints", isDirectory: true) }
    /// Where uploads are written before they are complete and hashed.
    package var temporaryDirectory: URL { dataDirectory.appendingPathComponent("tmp", isDirectory: true) }

    /// The absolute path of the running binary.
    package static var ownExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    /// The Python for math-verify: `--python`, else `AEPO_PYTHON`, else
    /// `./.venv/bin/python` when it exists (the quick start makes it).
    package static func python(flag: String?, environment: [String: String]) -> URL? {
        if let path = flag ?? environment["AEPO_PYTHON"] { return URL(fileURLWithPath: path) }
        let venv = URL(fileURLWithPath: ".venv/bin/python").standardizedFileURL
        return FileManager.default.isExecutableFile(atPath: venv.path) ? venv : nil
    }

    /// The data directory from `--data-dir`, else `AEPO_DATA_DIR`, else `./aepo-data`.
    package static func dataDirectory(flag: String?, environment: [String: String]) -> URL {
        let path = flag ?? environment["AEPO_DATA_DIR"] ?? "aepo-data"
        return URL(fileURLWithPath: path).standardizedFileURL
    }
}
