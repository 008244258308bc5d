import Synchronization

/// The last lines a replica wrote (stdout and stderr merged): at most
/// `capacity` lines of at most `lineLimit` bytes each, so a chatty engine
/// costs bounded memory and its last words (the error) are kept.
package final class LogTail: Sendable {
    private struct State {
        var lines: [String] = []
        var next = 0
        var total = 0
    }

    private let state = Mutex(State())
    package let capacity: Int
    package let lineLimit: Int

    package init(capacity: Int = 200, lineLimit: Int = 2000) {
        self.capacity = max(1, capacity)
        self.lineLimit = max(16, lineLimit)
    }

    package func append(_ line: String) {
        let kept = line.utf8.count > lineLimit ? String(decoding: line.utf8.prefix(lineLimit), as: UTF8.self) + "…" : line
        state.withLock { state in
            if state.lines.count < capacity {
                state.lines.append(kept)
            } else {
                state.lines[state.next] = kept
            }
            state.next = (state.next + 1) % capacity
            state.total += 1
        }
    }

    /// The kept lines, oldest first, with a note of how many came before.
    package var text: String {
        state.withLock { state in
            let ordered = state.lines.count < capacity ? state.lines : Array(state.lines[state.next...] + state.lines[..<state.next])
            let dropped = state.total - ordered.count
            return (dropped > 0 ? ["…[\(dropped) earlier lines]"] : []) + ordered
        }.joined(separator: "\n")
    }

    /// The last `count` lines (for error messages).
    package func last(_ count: Int) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.suffix(count).joined(separator: "\n")
    }
}
