import Benchmarks
import Foundation

/// Stopping a process group that a killed server left behind, knowing only
/// what it recorded (pid + start time + boot id; the pid is the group id).
///
/// A group's id cannot be handed to a new process while any member lives,
/// so: if the leader is still the recorded process, its group is signalled;
/// if no process has the leader's pid but members of the group remain
/// (the leader died, its workers did not), they are ours and signalled;
/// if another process has that pid now, nothing is sent.
package enum ProcessGroup {
    /// Pids of the live processes whose process group is `pgid` (from /proc).
    package static func members(of pgid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { ProcessIdentity.processGroup(of: $0) == pgid }
    }

    /// Signals the group of `identity` if it is safely still ours.
    /// - Returns: whether a signal was sent.
    @discardableResult
    package static func signal(_ identity: ProcessIdentity, _ signal: Int32) -> Bool {
        if identity.signalGroup(signal) { return true }
        guard ProcessIdentity.current(of: identity.pid) == nil, identity.bootID == ProcessIdentity.current(of: getpid())?.bootID,
            !members(of: identity.pid).isEmpty
        else { return false }
        return kill(-identity.pid, signal) == 0
    }

    /// SIGTERM to the group, then SIGKILL if members remain after `grace`.
    /// - Returns: whether anything was signalled.
    package static func stop(_ identity: ProcessIdentity, grace: Duration) async -> Bool {
        guard signal(identity, SIGTERM) else { return false }
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if members(of: identity.pid).isEmpty { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        signal(identity, SIGKILL)
        return true
    }
}
