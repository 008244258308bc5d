import Foundation

/// Everything `aepo serve` needs, built from flags and the environment.
struct ServerConfig: Sendable {
    var host = "127.0.0.1"
    var port = 8080
    var dataDirectory = URL(fileURLWithPath: "aepo-data")
    /// Largest accepted upload body, in bytes (default 64 GiB).
    var maxUploadBytes: Int64 = 64 << 30
    /// Largest accepted JSON body, in bytes.
    var maxJSONBytes = 1 << 20
    /// Largest accepted benchmark dataset file, in bytes.
    var maxDatasetBytes = 512 << 20
    /// Largest corpus file accepted over HTTP (larger ones: `--data-dir`).
    var maxCorpusBytes = 1 << 30
    /// A Python with `math_verify` for the math scorer's worker, if any.
    var python: URL?
    /// How the server runs `aepo train` for built-in jobs: this binary by default.
    var trainerCommand: [String] = [ServerConfig.ownExecutable]
    /// How long a cancelled training process gets between SIGTERM and SIGKILL.
    var cancelGrace: Duration = .seconds(10)
    /// `AEPO_ADMIN_TOKEN`, when set.
    var adminToken: String?

    var checkpointsDirectory: URL { dataDirectory.appendingPathComponent("checkpoints", isDirectory: true) }
    /// Where uploads are written before they are complete and hashed.
    var temporaryDirectory: URL { dataDirectory.appendingPathComponent("tmp", isDirectory: true) }

    /// The absolute path of the running binary.
    static var ownExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    /// The Python for math-verify: `--python`, else `AEPO_PYTHON`, else
    /// `./.venv/bin/python` when it exists (the quick start makes it).
    static func python(flag: String?, environment: [String: String]) -> URL? {
        if let path = flag ?? environment["AEPO_PYTHON"] { return URL(fileURLWithPath: path) }
        let venv = URL(fileURLWithPath: ".venv/bin/python").standardizedFileURL
        return FileManager.default.isExecutableFile(atPath: venv.path) ? venv : nil
    }

    /// The data directory from `--data-dir`, else `AEPO_DATA_DIR`, else `./aepo-data`.
    static func dataDirectory(flag: String?, environment: [String: String]) -> URL {
        let path = flag ?? environment["AEPO_DATA_DIR"] ?? "aepo-data"
        return URL(fileURLWithPath: path).standardizedFileURL
    }
}
