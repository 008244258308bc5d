import Foundation

extension BubblewrapPython {
    /// Paths and limits of the sandbox.
    public struct Configuration: Sendable, Hashable {
        /// The `bwrap` executable (default: found on `PATH`, else
        /// `/usr/bin/bwrap`).
        public var bwrap: String
        /// The Python executable run inside (default: `venv`'s python when
        /// given, else `/usr/bin/python3` when present, else `python3` found
        /// on `PATH`).
        public var python: String
        /// A virtual environment mounted read-only at its own path, whose
        /// packages (numpy, sympy, scipy) the code may import; nil: none.
        public var venv: String?
        /// CPU seconds (`ulimit -t`, default 10).
        public var cpuSeconds: Int
        /// Address-space limit in bytes (`ulimit -v`, default 1 GiB).
        public var memoryBytes: Int
        /// Size of the private `/tmp` tmpfs in bytes (default 64 MiB).
        public var tmpBytes: Int
        /// Wall-clock limit in seconds (default 15; an evaluation passes its own).
        public var wallTimeoutSeconds: Double
        /// Output bytes kept (start and end), default 64 KiB.
        public var outputByteLimit: Int
        /// Largest program accepted, in bytes (default 100 000).
        public var maxCodeBytes: Int
        /// Host paths the program must not read even where they lie under
        /// a mounted system directory: a directory is covered by an empty
        /// tmpfs, a file by `/dev/null` (reading it fails); missing paths
        /// are skipped. The server passes its data directory here.
        public var hiddenPaths: [String]

        /// Creates a configuration; see the properties for the defaults.
        public init(
            bwrap: String? = nil, python: String? = nil, venv: String? = nil, cpuSeconds: Int = 10,
            memoryBytes: Int = 1 << 30, tmpBytes: Int = 64 << 20, wallTimeoutSeconds: Double = 15,
            outputByteLimit: Int = 64 << 10, maxCodeBytes: Int = 100_000, hiddenPaths: [String] = []
        ) {
            self.bwrap = bwrap ?? Self.onPath("bwrap") ?? "/usr/bin/bwrap"
            self.venv = venv
            self.python = python ?? venv.map { $0 + "/bin/python" } ?? Self.defaultPython()
            self.cpuSeconds = cpuSeconds
            self.memoryBytes = memoryBytes
            self.tmpBytes = tmpBytes
            self.wallTimeoutSeconds = wallTimeoutSeconds
            self.outputByteLimit = outputByteLimit
            self.maxCodeBytes = maxCodeBytes
            self.hiddenPaths = hiddenPaths
        }

        /// The wall timeout as a `Duration`.
        public var wallTimeout: Duration {
            .milliseconds(Int64((wallTimeoutSeconds * 1000).rounded()))
        }

        /// System directories mounted read-only (when present): programs,
        /// libraries and the loader's cache. Nothing else of the host is
        /// visible: no home, no /etc beyond these, no data directory.
        static let systemPaths = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc/ld.so.cache", "/etc/alternatives"]

        /// The mounts of the host's system directories, the python's own
        /// prefix when it lies elsewhere, and the venv: a top-level symlink
        /// (`/bin -> usr/bin`) is recreated as a symlink.
        func mounts() -> [String] {
            var paths = Self.systemPaths
            let resolved = URL(fileURLWithPath: python).resolvingSymlinksInPath().path
            if !paths.contains(where: { resolved.hasPrefix($0 + "/") }) {
                // e.g. /opt/python/bin/python3: its whole prefix.
                paths.append(URL(fileURLWithPath: resolved).deletingLastPathComponent().deletingLastPathComponent().path)
            }
            if let venv { paths.append(venv) }
            var arguments: [String] = []
            let files = FileManager.default
            for path in paths {
                if let target = try? files.destinationOfSymbolicLink(atPath: path), !path.dropFirst().contains("/") {
                    arguments += ["--symlink", target, path]
                } else if files.fileExists(atPath: path) {
                    arguments += ["--ro-bind", path, path]
                }
            }
            return arguments
        }

        /// The `bwrap` arguments that run `code` (through ``PythonDriver``).
        func arguments(code: String) -> [String] {
            // The private /tmp first, so a venv or python under /tmp stays visible above it.
            var arguments = [
                "--dev", "/dev",
                "--proc", "/proc",
                "--size", String(tmpBytes), "--tmpfs", "/tmp",
                "--unshare-all", "--cap-drop", "ALL",
                "--die-with-parent", "--new-session",
                "--chdir", "/tmp",
                "--clearenv",
            ] + mounts()
            for path in hiddenPaths {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
                arguments += isDirectory.boolValue ? ["--tmpfs", path] : ["--ro-bind", "/dev/null", path]
            }
            for (name, value) in Self.sandboxEnvironment {
                arguments += ["--setenv", name, value]
            }
            // The new root is a tmpfs holding the mount points: read-only
            // too, so only /tmp can be written.
            arguments += ["--remount-ro", "/"]
            let limits = "ulimit -t \(max(1, cpuSeconds)) && ulimit -v \(max(1, memoryBytes / 1024)) && exec \"$@\""
            arguments += ["--", "/bin/sh", "-c", limits, "aepo-python", python, "-I", "-u", "-c", PythonDriver.source, code]
            return arguments
        }

        /// The whole environment inside the sandbox.
        static let sandboxEnvironment: KeyValuePairs<String, String> = [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": "/tmp",
            "TMPDIR": "/tmp",
            "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
        ]

        /// `/usr/bin/python3` when present, else `python3` on `PATH`.
        static func defaultPython() -> String {
            let system = "/usr/bin/python3"
            if FileManager.default.isExecutableFile(atPath: system) { return system }
            return onPath("python3") ?? system
        }

        /// The first executable called `name` on `PATH`.
        static func onPath(_ name: String) -> String? {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            return path.split(separator: ":").map { "\($0)/\(name)" }
                .first { FileManager.default.isExecutableFile(atPath: $0) }
        }
    }
}
