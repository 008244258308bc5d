import Foundation

/// How a detached job's command ended, written by its supervisor
/// (`aepo supervise`) into the job directory before the supervisor takes
/// the rest of the process group down. It is the only trace of the exit
/// status once the server that launched the job has restarted.
public struct ExitRecord: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The command's exit status, when it exited.
    public var exitCode: Int32?
    /// The signal that ended it, when one did.
    public var signal: Int32?
    /// Why the command could not be started at all.
    public var error: String?

    public enum CodingKeys: String, CodingKey {
        case exitCode = "exit_code"
        case signal, error
    }

    public init(exitCode: Int32? = nil, signal: Int32? = nil, error: String? = nil) {
        self.exitCode = exitCode
        self.signal = signal
        self.error = error
    }

    /// Whether the command exited with status 0.
    public var succeeded: Bool { exitCode == 0 && error == nil }

    public var description: String {
        if let error { return "could not start: \(error)" }
        if let signal { return "was killed by signal \(signal)" }
        return "exited with status \(exitCode ?? -1)"
    }

    /// Reads the record at `path`, or nil when there is none (yet).
    public static func read(at path: String) -> ExitRecord? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(ExitRecord.self, from: data)
    }

    /// Writes the record to `path` whole or not at all (a temporary file
    /// renamed over it), so a reader never sees half of it.
    public func write(to path: String) throws {
        let data = try JSONEncoder().encode(self)
        let temporary = path + ".tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
