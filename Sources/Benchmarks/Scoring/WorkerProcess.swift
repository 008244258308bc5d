import Foundation

/// One running math-verify Python process. Owned by the `MathVerifyWorker`
/// actor; its output streams are awaited, never read on a blocking call.
struct WorkerProcess {
    let child: ChildProcess
    /// The Python path, for error messages.
    let python: String

    var stdout: ChildOutput { child.standardOutput }

    /// Starts `python -u script` with the server's environment minus its
    /// secrets, plus the configured variables.
    /// - Throws: `.pythonNotFound` when `python` is not an executable file,
    ///   `.launchFailed` when the process cannot be spawned.
    static func launch(
        configuration: MathVerifyWorker.Configuration, script: URL
    ) throws(MathVerifyError) -> WorkerProcess {
        let python = configuration.python.path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw .pythonNotFound(path: python)
        }
        do {
            let child = try ChildProcess(ChildProcess.Configuration(
                executable: python, arguments: ["-u", script.path],
                environment: ChildEnvironment.make(extra: configuration.environment), standardInput: true,
                standardOutput: .lines(buffer: 1024, whenFull: .wait),
                standardError: .lines(buffer: 40, whenFull: .dropOldest)))
            return WorkerProcess(child: child, python: python)
        } catch {
            throw .launchFailed(python: python, reason: error.description)
        }
    }

    /// Writes one request line; `false` when the process is gone.
    func send(_ line: Data) -> Bool {
        (try? child.write(line)) != nil
    }

    /// Kills the process group (SIGKILL); the monitor reaps it.
    func kill() {
        child.signal(SIGKILL)
    }

    /// Waits at most `limit` for the process to end and its stderr to be read.
    func waitForExit(within limit: Duration) async {
        _ = await child.wait(within: limit)
    }

    /// The last lines the process wrote to stderr, joined.
    func stderrTail() -> String {
        child.standardError.drain().suffix(10).joined(separator: "\n")
    }
}
