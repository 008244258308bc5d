import Foundation

/// Reads a child's output pipe on a dedicated thread, keeping the first
/// three quarters of `limit` bytes and the last quarter, so that a program
/// printing without end costs bounded memory and its final lines (an error)
/// are still seen.
final class OutputCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var head = Data()
    private var tail = Data()
    private var total = 0
    private var finished = false
    private var stopRequested = false
    private let headLimit: Int
    private let tailLimit: Int

    /// Starts reading `handle` until end of file (or `stop`).
    /// - Parameters:
    ///   - handle: the read end of the pipe; closed when reading ends.
    ///   - limit: the most bytes kept.
    init(handle: FileHandle, limit: Int) {
        headLimit = max(0, limit) * 3 / 4
        tailLimit = max(0, limit) - headLimit
        let thread = Thread { [self] in self.run(handle) }
        thread.name = "aepo.python-output"
        thread.start()
    }

    /// Waits until the pipe reached end of file, at most `limit`; then makes
    /// the reader stop even if some process still holds the pipe open.
    func waitForEnd(within limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while !isFinished, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        lock.withLock { stopRequested = true }
    }

    /// Whether the reader has stopped.
    var isFinished: Bool { lock.withLock { finished } }

    /// The kept output as text (invalid UTF-8 replaced), with a marker where
    /// bytes were dropped, and whether any were.
    func text() -> (text: String, truncated: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let kept = head.count + min(tail.count, tailLimit)
        let headText = String(decoding: head, as: UTF8.self)
        let tailText = String(decoding: tail.suffix(tailLimit), as: UTF8.self)
        guard total > kept else { return (headText + tailText, false) }
        return (headText + "\n…[\(total - kept) bytes of output omitted]…\n" + tailText, true)
    }

    private func append(_ bytes: ArraySlice<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        total += bytes.count
        let toHead = min(bytes.count, headLimit - head.count)
        if toHead > 0 { head.append(contentsOf: bytes.prefix(toHead)) }
        tail.append(contentsOf: bytes.dropFirst(toHead))
        if tail.count > 2 * tailLimit { tail = Data(tail.suffix(tailLimit)) }
    }

    /// Polls so that a stop request is noticed even when no byte arrives.
    private func run(_ handle: FileHandle) {
        let descriptor = handle.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, 50)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { break }
            if ready == 0 {
                if lock.withLock({ stopRequested }) { break }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            append(buffer[0..<count])
        }
        try? handle.close()
        lock.withLock { finished = true }
    }
}
