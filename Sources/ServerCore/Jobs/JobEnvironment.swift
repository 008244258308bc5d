import Benchmarks

/// The whole environment of a training job: nothing of the server's but a
/// short allow-list, then what the job's launch sets (a template's `env`,
/// `VERL_FILE_LOGGER_PATH`), then the GPUs it was given.
///
/// The allow-list is what a program needs to find itself and speak the
/// locale: `PATH`, `HOME`, `USER`, `LOGNAME`, `LANG`, `LC_ALL`, `LC_CTYPE`,
/// `TZ`, `TMPDIR`, plus the BLAS/OpenMP thread counts. Not passed: the
/// server's tokens and keys, `PYTHONPATH` and `VIRTUAL_ENV` (the server's
/// Python is not the recipe's: a template sets its own), and
/// `CUDA_VISIBLE_DEVICES` (aepo sets it from the GPUs it assigns when it
/// manages a GPU budget). A template may name any variable, a secret
/// included: what the admin wrote in the templates file is deliberate.
package enum JobEnvironment {
    package static let allowed: Set<String> = [
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
        "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
    ]

    /// - Parameters:
    ///   - server: the server's environment.
    ///   - launch: what the job's launch sets.
    ///   - devices: the GPUs assigned, or nil when aepo manages none.
    package static func make(server: [String: String], launch: [String: String], devices: [Int]?) -> [String: String] {
        var environment = server.filter { allowed.contains($0.key) && !ChildEnvironment.isSecret($0.key) }
        if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        environment.merge(launch) { _, set in set }
        if let devices {
            // An empty list hides every GPU from a job that was given none.
            environment["CUDA_VISIBLE_DEVICES"] = devices.map(String.init).joined(separator: ",")
        }
        return environment
    }
}
