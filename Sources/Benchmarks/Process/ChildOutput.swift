import Synchronization

/// How a child's output stream is kept.
public enum OutputMode: Sendable, Equatable {
    /// Sent to /dev/null.
    case discard
    /// Split into lines (a `\r` progress redraw keeps its last state), at
    /// most `buffer` of them (plus one 64 KiB read) waiting for the reader.
    case lines(buffer: Int, whenFull: LineOverflow)
    /// Kept as bytes: the first three quarters of `limit` and the last
    /// quarter, so endless output costs bounded memory and its end (an
    /// error) is still seen.
    case capture(limit: Int)
}

/// What happens when a line buffer is full.
public enum LineOverflow: Sendable, Equatable {
    /// The output is not read until the reader catches up, so the child
    /// waits on its next write: nothing is lost.
    case wait
    /// The oldest lines are dropped: the child never waits (for a stream
    /// read only when something went wrong, such as stderr).
    case dropOldest
}

/// One output stream of a ``ChildProcess``, filled by its monitor thread.
///
/// In `.lines` mode it is an `AsyncSequence` of lines for one reader; in
/// `.capture` mode ``captured()`` gives the text once the child is done.
public final class ChildOutput: AsyncSequence, Sendable {
    public typealias Element = String

    /// The longest line kept whole; longer runs without a newline are split.
    static let maxLineBytes = 1 << 20

    private struct State {
        var lines: [String] = []
        var first = 0
        var partial: [UInt8] = []
        var finished = false
        var reader: CheckedContinuation<String?, Never>?
        var head: [UInt8] = []
        var tail: [UInt8] = []
        var total = 0
        var dropped = 0

        var buffered: Int { lines.count - first }

        mutating func pop() -> String? {
            guard first < lines.count else { return nil }
            let line = lines[first]
            first += 1
            if first > 1024, first * 2 > lines.count {
                lines.removeFirst(first)
                first = 0
            }
            return line
        }
    }

    let mode: OutputMode
    private let state = Mutex(State())
    /// Tells the monitor that a full buffer has room again.
    private let wake: @Sendable () -> Void

    init(mode: OutputMode, wake: @escaping @Sendable () -> Void) {
        self.mode = mode
        self.wake = wake
    }

    /// Whether the monitor may read more (false while a `.wait` buffer is full).
    var wantsInput: Bool {
        guard case .lines(let capacity, .wait) = mode else { return true }
        return state.withLock { $0.buffered < Swift.max(1, capacity) }
    }

    /// Takes bytes read from the pipe.
    func accept(_ bytes: UnsafeRawBufferPointer) {
        switch mode {
        case .discard:
            return
        case .capture(let limit):
            state.withLock { state in
                let headLimit = Swift.max(0, limit) * 3 / 4
                let tailLimit = Swift.max(0, limit) - headLimit
                state.total += bytes.count
                let toHead = Swift.min(bytes.count, headLimit - state.head.count)
                if toHead > 0 { state.head += bytes.prefix(toHead) }
                state.tail += bytes.dropFirst(Swift.max(0, toHead))
                if state.tail.count > 2 * tailLimit { state.tail = Array(state.tail.suffix(tailLimit)) }
            }
        case .lines(let capacity, let overflow):
            let reader = state.withLock { state -> (CheckedContinuation<String?, Never>, String)? in
                for byte in bytes {
                    if byte == UInt8(ascii: "\n") || state.partial.count >= Self.maxLineBytes {
                        state.lines.append(Self.lastRedraw(state.partial))
                        state.partial.removeAll(keepingCapacity: true)
                        if byte != UInt8(ascii: "\n") { state.partial.append(byte) }
                    } else {
                        state.partial.append(byte)
                    }
                }
                if overflow == .dropOldest {
                    while state.buffered > Swift.max(1, capacity) {
                        _ = state.pop()
                        state.dropped += 1
                    }
                }
                guard let reader = state.reader, let line = state.pop() else { return nil }
                state.reader = nil
                return (reader, line)
            }
            if let (continuation, line) = reader { continuation.resume(returning: line) }
        }
    }

    /// The end of the stream: the pipe closed, or the child is gone and
    /// the drain time passed.
    func finish() {
        let reader = state.withLock { state -> CheckedContinuation<String?, Never>? in
            guard !state.finished else { return nil }
            state.finished = true
            if !state.partial.isEmpty {
                state.lines.append(Self.lastRedraw(state.partial))
                state.partial = []
            }
            guard let reader = state.reader else { return nil }
            state.reader = nil
            return reader
        }
        guard let reader else { return }
        reader.resume(returning: state.withLock { $0.pop() })
    }

    /// The next line, or nil at the end of the stream (or when the calling task is cancelled).
    public func next() async -> String? {
        // The monitor stops reading at `capacity` lines; it is rung once,
        // when the buffer drops below that, not on every line.
        let (line, refilled) = state.withLock { state -> (String?, Bool) in
            let refilled = state.buffered == capacityForWait
            return (state.pop(), refilled)
        }
        if let line {
            if refilled { wake() }
            return line
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
                let immediate = state.withLock { state -> (ready: Bool, line: String?) in
                    if let line = state.pop() { return (true, line) }
                    if state.finished || Task.isCancelled { return (true, nil) }
                    state.reader = continuation
                    return (false, nil)
                }
                if immediate.ready { continuation.resume(returning: immediate.line) }
            }
        } onCancel: {
            let reader = state.withLock { state in
                defer { state.reader = nil }
                return state.reader
            }
            reader?.resume(returning: nil)
        }
    }

    /// What ``next(timeout:)`` produced.
    public enum LineEvent: Sendable, Equatable {
        case line(String)
        case endOfStream
        case timedOut
    }

    /// The next line, waiting at most `timeout`. A line that arrives just as
    /// the timeout fires may be lost: callers treat a timeout as the end of
    /// the conversation (the math-verify worker is restarted).
    public func next(timeout: Duration) async -> LineEvent {
        await withTaskGroup(of: LineEvent.self) { group in
            group.addTask { await self.next().map(LineEvent.line) ?? .endOfStream }
            group.addTask {
                do { try await Task.sleep(for: timeout) } catch { return .endOfStream }
                return .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            return first
        }
    }

    /// What is buffered now (for `.dropOldest` streams read after the fact).
    public func drain() -> [String] {
        state.withLock { state in
            var lines: [String] = []
            while let line = state.pop() { lines.append(line) }
            return lines
        }
    }

    /// How many lines a `.dropOldest` buffer has dropped.
    public var droppedLines: Int { state.withLock { $0.dropped } }

    /// In `.capture` mode: the kept text (invalid UTF-8 replaced), with a
    /// marker where bytes were dropped, and whether any were.
    public func captured() -> (text: String, truncated: Bool) {
        guard case .capture(let limit) = mode else { return ("", false) }
        return state.withLock { state in
            let tailLimit = Swift.max(0, limit) - Swift.max(0, limit) * 3 / 4
            let tail = state.tail.suffix(tailLimit)
            let headText = String(decoding: state.head, as: UTF8.self)
            let tailText = String(decoding: tail, as: UTF8.self)
            let kept = state.head.count + tail.count
            guard state.total > kept else { return (headText + tailText, false) }
            return (headText + "\n…[\(state.total - kept) bytes of output omitted]…\n" + tailText, true)
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let output: ChildOutput
        public mutating func next() async -> String? { await output.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(output: self) }

    private var capacityForWait: Int {
        if case .lines(let capacity, .wait) = mode { return Swift.max(1, capacity) }
        return .max
    }

    private static func lastRedraw(_ line: [UInt8]) -> String {
        let text = String(decoding: line, as: UTF8.self)
        return text.split(separator: "\r", omittingEmptySubsequences: true).last.map(String.init) ?? ""
    }
}
