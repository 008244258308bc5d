import Foundation
import Synchronization

/// Fans a job's events out to every watcher with bounded memory.
///
/// Events are stored in SQLite before they are published here; the hub only
/// keeps each job's most recent events (a ring of `capacity`) and wakes the
/// watchers. A watcher reads what it has not seen from the ring, or from the
/// database when it fell further behind, so no watcher ever misses or
/// reorders an event however slow it is, and no watcher has a buffer of its own.
package final class JobEventHub: Sendable {
    private struct Channel {
        package var recent: [JobEvent] = []
        package var latest: Int64 = 0
        package var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    package let capacity: Int
    private let channels = Mutex<[Int64: Channel]>([:])

    package init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// Records `event` as the job's latest and wakes its watchers.
    package func publish(_ event: JobEvent, job: Int64) {
        let waiters = channels.withLock { channels -> [CheckedContinuation<Void, Never>] in
            var channel = channels[job] ?? Channel()
            channel.recent.append(event)
            if channel.recent.count > capacity { channel.recent.removeFirst(channel.recent.count - capacity) }
            channel.latest = max(channel.latest, event.seq)
            let waiting = Array(channel.waiters.values)
            channel.waiters.removeAll()
            channels[job] = channel
            return waiting
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The events after `seq` if the ring still holds all of them, else nil.
    package func recent(job: Int64, after seq: Int64) -> [JobEvent]? {
        channels.withLock { channels in
            guard let channel = channels[job] else { return nil }
            if channel.latest <= seq { return [] }
            guard let first = channel.recent.first, first.seq <= seq + 1 else { return nil }
            return channel.recent.filter { $0.seq > seq }
        }
    }

    /// Suspends until the job has an event after `seq`, or the task is cancelled.
    package func wait(job: Int64, after seq: Int64) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = channels.withLock { channels -> Bool in
                    var channel = channels[job] ?? Channel()
                    if channel.latest > seq || Task.isCancelled { return true }
                    channel.waiters[id] = continuation
                    channels[job] = channel
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = channels.withLock { channels in channels[job]?.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    /// Forgets a finished job's ring once nobody needs it.
    package func close(job: Int64) {
        let waiters = channels.withLock { channels in
            channels.removeValue(forKey: job).map { Array($0.waiters.values) } ?? []
        }
        for waiter in waiters { waiter.resume() }
    }
}
