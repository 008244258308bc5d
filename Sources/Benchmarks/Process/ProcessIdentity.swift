import Foundation

/// A process as the kernel knows it across the server's restarts: its pid,
/// its start time (clock ticks after boot, field 22 of `/proc/<pid>/stat`)
/// and the boot it ran in. A pid alone is reused; all three together are
/// not, so a restarted server signals an old job's process only if it is
/// still that process.
public struct ProcessIdentity: Sendable, Equatable, Codable {
    public var pid: Int32
    public var startTime: UInt64
    public var bootID: String

    public init(pid: Int32, startTime: UInt64, bootID: String) {
        self.pid = pid
        self.startTime = startTime
        self.bootID = bootID
    }

    /// The identity of the live process `pid`, or nil when it does not exist.
    public static func current(of pid: Int32) -> ProcessIdentity? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let fields = statFields(stat), fields.count > 19, let start = UInt64(fields[19])
        else { return nil }
        return ProcessIdentity(pid: pid, startTime: start, bootID: bootID())
    }

    /// The process group of live process `pid` (field 5 of its stat line).
    public static func processGroup(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let fields = statFields(stat), fields.count > 2
        else { return nil }
        return Int32(fields[2])
    }

    /// Whether this identity still names a running process (a zombie,
    /// exited but not reaped by whoever inherited it, does not count).
    public var isAlive: Bool { Self.current(of: pid) == self && !Self.isZombie(pid) }

    /// Whether `pid` has exited and waits to be reaped (state Z or X).
    public static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let state = statFields(stat)?.first
        else { return false }
        return state == "Z" || state == "X"
    }

    /// Signals the process's group, if it is still this process and leads
    /// its group (as every child the server spawns does).
    /// - Returns: whether a signal was sent.
    @discardableResult
    public func signalGroup(_ signal: Int32) -> Bool {
        guard isAlive, Self.processGroup(of: pid) == pid else { return false }
        return kill(-pid, signal) == 0
    }

    /// The fields after `(comm)`: the command name may hold spaces and parentheses.
    public static func statFields(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    static func bootID() -> String {
        ((try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
