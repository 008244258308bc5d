import Foundation

/// How one python program ended, and what it printed.
public struct PythonResult: Sendable, Hashable {
    /// Standard output; when longer than the runner's capture limit, its
    /// start and end around an omission marker.
    public var output: String
    /// Standard error (a traceback), captured the same way.
    public var errorOutput: String
    /// The exit status; a status above 128 means killed by signal
    /// `status - 128` (the sandbox reports signals this way). `nil` when
    /// the wall timeout killed the program.
    public var exitStatus: Int32?
    /// Whether the wall timeout killed the program.
    public var timedOut: Bool
    /// Whether output beyond the capture limit was dropped.
    public var truncated: Bool
    /// The wall time the program ran.
    public var duration: Duration
    /// The wall timeout, for the message the model sees.
    public var timeout: Duration

    /// Creates a result.
    public init(
        output: String, errorOutput: String = "", exitStatus: Int32?, timedOut: Bool = false, truncated: Bool = false,
        duration: Duration = .zero, timeout: Duration = .zero
    ) {
        self.output = output
        self.errorOutput = errorOutput
        self.exitStatus = exitStatus
        self.timedOut = timedOut
        self.truncated = truncated
        self.duration = duration
        self.timeout = timeout
    }

    /// A line about how the program ended, or `nil` for a clean exit.
    public var statusLine: String? {
        if timedOut {
            return "[timed out after \(Self.seconds(timeout)) s of wall time; the program was killed]"
        }
        guard let status = exitStatus, status != 0 else { return nil }
        guard status > 128 else { return "[exit status \(status)]" }
        let signal = status - 128
        switch signal {
        case 9, 24:
            return "[killed by signal \(signal): the CPU time or memory limit was exceeded]"
        default:
            return "[killed by signal \(signal)]"
        }
    }

    /// The text the model sees: standard output when the program succeeded,
    /// standard error (the traceback) when it failed (standard output when
    /// it wrote nothing there), `(no output)` when there is none, then the
    /// status line; start and end kept when over the budget.
    /// - Parameter characterBudget: the most characters of the text.
    public func render(characterBudget: Int) -> String {
        let status = statusLine.map { "\n" + $0 } ?? ""
        let failed = timedOut || (exitStatus ?? 0) != 0
        let errors = errorOutput.trailingWhitespaceRemoved
        let shown = failed && !errors.isEmpty ? errors : output
        let trimmedOutput = shown.trailingWhitespaceRemoved
        let body = trimmedOutput.isEmpty ? "(no output)" : trimmedOutput
        let room = max(0, characterBudget - status.count)
        return (body.clipped(to: room) + status).clipped(to: characterBudget)
    }

    static func seconds(_ duration: Duration) -> String {
        let parts = duration.components
        let value = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
