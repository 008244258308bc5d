import Foundation

/// A child process whose stdout and stderr arrive as lines, and whose exit
/// is awaited without blocking a thread.
package final class ChildProcess: @unchecked Sendable {
    // Process is used only through its thread-safe calls (run, signals,
    // terminationStatus after exit).
    private let process = Process()
    package let stdout: AsyncStream<String>
    package let stderr: AsyncStream<String>
    private let exit: AsyncStream<Int32>

    /// How the process ended.
    package enum Termination: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        package var description: String {
            switch self {
            case .exited(let code): "exited with status \(code)"
            case .signalled(let signal): "was killed by signal \(signal)"
            }
        }
    }

    /// Starts `arguments[0]` with the rest as its arguments (no shell).
    package init(arguments: [String], workingDirectory: URL, environment: [String: String]? = nil) throws {
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

    package var pid: Int32 { process.processIdentifier }

    package var isRunning: Bool { process.isRunning }

    /// Waits for the process to end.
    package func wait() async -> Termination {
        for await _ in exit {}
        let status = process.terminationStatus
        return process.terminationReason == .uncaughtSignal ? .signalled(status) : .exited(status)
    }

    package func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Lines of a pipe; a progress bar's `\r` redraws keep only their last state.
    ///
    /// A blocking read loop on a thread of its own, not `readabilityHandler`:
    /// on Linux, tearing down the dispatch read source behind that handler
    /// races libdispatch's epoll bookkeeping and can crash the whole process
    /// in `_dispatch_event_loop_drain` when a child ends
    /// (swift-corelibs-libdispatch#949). A blocking read registers nothing
    /// with libdispatch; end of file ends the thread.
    private static func lines(from handle: FileHandle) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        let reader = Thread {
            var pending = Data()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                // read(2) returns what the pipe holds now (FileHandle's
                // read(upToCount:) would wait for the whole count).
                let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                pending.append(contentsOf: buffer[0..<count])
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(lastRedraw(pending[pending.startIndex..<newline]))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty { continuation.yield(lastRedraw(pending)) }
            continuation.finish()
        }
        reader.name = "aepo.child-output"
        reader.start()
        return stream
    }

    private static func lastRedraw(_ line: Data) -> String {
        let text = String(decoding: line, as: UTF8.self)
        return text.split(separator: "\r", omittingEmptySubsequences: true).last.map(String.init) ?? ""
    }
}
