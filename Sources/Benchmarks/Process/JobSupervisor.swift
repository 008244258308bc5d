import CProcess
import Foundation

/// The body of `aepo supervise`: the leader of a detached job's session and
/// process group, which runs the job's command in that group, waits for it,
/// writes its ``ExitRecord`` and then kills whatever the command left in the
/// group (itself included).
///
/// It is what lets a job outlive the server: its parent may die (the
/// server restarting) and the exit status is still kept. It ignores
/// SIGTERM, SIGINT and SIGHUP (it was started with them blocked, see
/// `AEPO_SPAWN_NEW_SESSION`), so a cancel that signals the group reaches
/// the command and its children while the supervisor stays to record how
/// they ended; SIGKILL to the group ends it with them (then the record is
/// missing and the server, which sent it, knows why).
public enum JobSupervisor {
    /// Runs `arguments` (its first element the program, looked up in the
    /// environment's `PATH` when it has no slash) with the supervisor's own
    /// environment, standard streams and working directory.
    /// - Returns: never normally: the last act is SIGKILL to the group.
    /// - Parameter identityRecord: where to write the supervisor's own
    ///   ``ProcessIdentity`` first, so that a server that died before
    ///   storing it still finds the job.
    public static func run(arguments: [String], exitRecord: String, identityRecord: String? = nil) -> Int32 {
        aepo_ignore_stop_signals()
        if let identityRecord, let identity = ProcessIdentity.current(of: getpid()),
            let data = try? JSONEncoder().encode(identity)
        {
            try? data.write(to: URL(fileURLWithPath: identityRecord), options: .atomic)
        }
        guard let program = arguments.first else {
            try? ExitRecord(error: "no command").write(to: exitRecord)
            return 2
        }
        let environment = ProcessInfo.processInfo.environment
        let path = resolve(program, searchPath: environment["PATH"] ?? "/usr/bin:/bin")
        var pid: pid_t = 0
        let pairs = environment.map { "\($0.key)=\($0.value)" }
        let result = withCStrings(arguments) { argv in
            withCStrings(pairs) { envp in
                aepo_spawn_in(path, argv, envp, nil, -1, 1, 2, Int32(AEPO_SPAWN_SAME_GROUP), &pid)
            }
        }
        guard result == 0 else {
            let reason = "\(program): \(String(cString: strerror(result)))"
            FileHandle.standardError.write(Data("aepo supervise: could not start \(reason)\n".utf8))
            try? ExitRecord(error: reason).write(to: exitRecord)
            return 127
        }
        var signalled: Int32 = 0
        var code: Int32 = 0
        let record: ExitRecord
        if aepo_supervised_wait(pid, &signalled, &code) != 0 {
            record = ExitRecord(error: "the command could not be waited for")
        } else {
            record = signalled != 0 ? ExitRecord(signal: code) : ExitRecord(exitCode: code)
        }
        do {
            try record.write(to: exitRecord)
        } catch {
            FileHandle.standardError.write(Data("aepo supervise: could not write \(exitRecord): \(error)\n".utf8))
        }
        // What the command left behind (a daemon, a SIGTERM-ignoring
        // grandchild) goes with the group, the supervisor last.
        kill(0, SIGKILL)
        return record.exitCode ?? 128 + (record.signal ?? 0)
    }

    /// `program` itself when it holds a slash, else the first executable of
    /// that name on `searchPath`.
    static func resolve(_ program: String, searchPath: String) -> String {
        guard !program.contains("/") else { return program }
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return program
    }

    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
