import Foundation
import Synchronization

/// A child process whose stdout and stderr arrive as lines, and whose exit
/// is awaited without blocking a thread.
final class ChildProcess: @unchecked Sendable {
    // Process is used only through its thread-safe calls (run, signals,
    // terminationStatus after exit).
    private let process = Process()
    let stdout: AsyncStream<String>
    let stderr: AsyncStream<String>
    private let exit: AsyncStream<Int32>

    /// How the process ended.
    enum Termination: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        var description: String {
            switch self {
            case .exited(let code): "exited with status \(code)"
            case .signalled(let signal): "was killed by signal \(signal)"
            }
        }
    }

    /// Starts `arguments[0]` with the rest as its arguments (no shell).
    init(arguments: [String], workingDirectory: URL, environment: [String: String]? = nil) throws {
        let out = Pipe(), err = Pipe()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.currentDirectoryURL = workingDirectory
        if let environment { process.environment = environment }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        stdout = Self.lines(from: out.fileHandleForReading)
        stderr = Self.lines(from: err.fileHandleForReading)
        let (exit, exitContinuation) = AsyncStream<Int32>.makeStream()
        self.exit = exit
        process.terminationHandler = { _ in
            exitContinuation.yield(0)
            exitContinuation.finish()
        }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    var isRunning: Bool { process.isRunning }

    /// Waits for the process to end.
    func wait() async -> Termination {
        for await _ in exit {}
        let status = process.terminationStatus
        return process.terminationReason == .uncaughtSignal ? .signalled(status) : .exited(status)
    }

    func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Lines of a pipe; a progress bar's `\r` redraws keep only their last state.
    private static func lines(from handle: FileHandle) -> AsyncStream<String> {
        AsyncStream { continuation in
            let pending = Mutex(Data())
            handle.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    let rest = pending.withLock { buffer in
                        defer { buffer.removeAll() }
                        return buffer
                    }
                    if !rest.isEmpty { continuation.yield(lastRedraw(rest)) }
                    continuation.finish()
                    return
                }
                let complete = pending.withLock { buffer -> [Data] in
                    buffer.append(data)
                    var lines: [Data] = []
                    while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                        lines.append(buffer[buffer.startIndex..<newline])
                        buffer.removeSubrange(buffer.startIndex...newline)
                    }
                    return lines
                }
                for line in complete { continuation.yield(lastRedraw(line)) }
            }
        }
    }

    private static func lastRedraw(_ line: Data) -> String {
        let text = String(decoding: line, as: UTF8.self)
        return text.split(separator: "\r", omittingEmptySubsequences: true).last.map(String.init) ?? ""
    }
}
