import Foundation

/// One running math-verify Python process and its pipes. Owned by the
/// `MathVerifyWorker` actor; only the line readers (which are `Sendable`)
/// are awaited.
struct WorkerProcess {
    let process: Process
    let stdin: FileHandle
    let stdout: PipeLineReader
    let stderr: PipeLineReader
    /// The Python path, for error messages.
    let python: String

    /// Starts `python -u script` with the configured environment.
    /// - Throws: `.pythonNotFound` when `python` is not an executable file,
    ///   `.launchFailed` when the process cannot be spawned.
    static func launch(
        configuration: MathVerifyWorker.Configuration, script: URL
    ) throws(MathVerifyError) -> WorkerProcess {
        let python = configuration.python.path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw .pythonNotFound(path: python)
        }
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = configuration.python
        process.arguments = ["-u", script.path]
        process.environment = ProcessInfo.processInfo.environment
            .merging(configuration.environment) { _, new in new }
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw .launchFailed(python: python, reason: String(describing: error))
        }
        return WorkerProcess(
            process: process,
            stdin: input.fileHandleForWriting,
            stdout: PipeLineReader(handle: output.fileHandleForReading),
            stderr: PipeLineReader(handle: errors.fileHandleForReading, maxBufferedLines: 40),
            python: python)
    }

    /// Writes one request line; `false` when the process is gone.
    func send(_ line: Data) -> Bool {
        do {
            try stdin.write(contentsOf: line)
            return true
        } catch {
            return false
        }
    }

    /// Kills the process (SIGKILL) and reaps it.
    func kill() {
        try? stdin.close()
        if process.isRunning {
            _ = Foundation.kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// The last lines the process wrote to stderr, joined.
    func stderrTail() -> String {
        stderr.drain().suffix(10).joined(separator: "\n")
    }
}
