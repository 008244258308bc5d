import Foundation

/// Reads lines from a pipe on a dedicated thread and hands them to async
/// callers one at a time, with a timeout, so that an actor can wait for a
/// child process's answer without blocking a cooperative thread.
final class PipeLineReader: @unchecked Sendable {
    /// What `next(timeout:)` produced.
    enum Event: Sendable, Equatable {
        case line(String)
        case endOfFile
        case timedOut
    }

    private let lock = NSLock()
    private var lines: [String] = []
    private var finished = false
    private var waiter: (token: Int, continuation: CheckedContinuation<Event, Never>)?
    private var nextToken = 0
    private let maxBufferedLines: Int

    /// Starts reading `handle` until end of file.
    /// - Parameters:
    ///   - handle: the read end of a pipe.
    ///   - maxBufferedLines: lines kept while nobody asks; older ones are
    ///     dropped (used to keep only the tail of stderr).
    init(handle: FileHandle, maxBufferedLines: Int = 10_000) {
        self.maxBufferedLines = maxBufferedLines
        let thread = Thread { [self] in self.run(handle) }
        thread.name = "aepo.pipe-reader"
        thread.start()
    }

    /// The next line, waiting at most `timeout`.
    func next(timeout: Duration) async -> Event {
        await withCheckedContinuation { (continuation: CheckedContinuation<Event, Never>) in
            lock.lock()
            if !lines.isEmpty {
                let line = lines.removeFirst()
                lock.unlock()
                continuation.resume(returning: .line(line))
                return
            }
            if finished {
                lock.unlock()
                continuation.resume(returning: .endOfFile)
                return
            }
            nextToken += 1
            let token = nextToken
            waiter = (token, continuation)
            lock.unlock()
            let seconds = Double(timeout.components.seconds)
                + Double(timeout.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + max(0, seconds)) { [self] in
                self.resumeWaiter(token: token, with: .timedOut)
            }
        }
    }

    /// Waits (polling) until the pipe reached end of file, at most `limit`.
    func waitForEnd(within limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if isFinished { return }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Whether the pipe reached end of file.
    var isFinished: Bool {
        lock.withLock { finished }
    }

    /// Every buffered line, removing them (used for the stderr tail).
    func drain() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        let drained = lines
        lines.removeAll()
        return drained
    }

    private func resumeWaiter(token: Int?, with event: Event) {
        lock.lock()
        guard let current = waiter, token == nil || current.token == token else {
            lock.unlock()
            return
        }
        waiter = nil
        lock.unlock()
        current.continuation.resume(returning: event)
    }

    private func deliver(_ line: String) {
        lock.lock()
        if let current = waiter {
            waiter = nil
            lock.unlock()
            current.continuation.resume(returning: .line(line))
            return
        }
        lines.append(line)
        if lines.count > maxBufferedLines { lines.removeFirst(lines.count - maxBufferedLines) }
        lock.unlock()
    }

    /// Reads with `read(2)` rather than `availableData`, which traps on a
    /// read error; an error or end of file ends the stream.
    private func run(_ handle: FileHandle) {
        let descriptor = handle.fileDescriptor
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let lineData = pending[pending.startIndex..<newline]
                deliver(String(decoding: lineData, as: UTF8.self))
                pending.removeSubrange(pending.startIndex...newline)
            }
        }
        withExtendedLifetime(handle) {}
        if !pending.isEmpty { deliver(String(decoding: pending, as: UTF8.self)) }
        lock.lock()
        finished = true
        lock.unlock()
        resumeWaiter(token: nil, with: .endOfFile)
    }
}
