import Foundation
import Synchronization

/// A stream of events the server publishes: one per evaluation, one per training job.
package enum EventStreamKey: Hashable, Sendable {
    case evaluation(Int64)
    case trainingJob(Int64)
}

/// One published event: its place in the stream (a training job's event
/// sequence number; for an evaluation, the samples done), its SSE name and
/// its JSON data.
package struct StreamEvent: Sendable, Equatable {
    package let seq: Int64
    package let name: String
    package let data: String
    /// The event as an SSE block, formatted once for all subscribers.
    package let wire: String

    package init(seq: Int64, name: String, data: String) {
        self.seq = seq
        self.name = name
        self.data = data
        wire = "id: \(seq)\nevent: \(name)\ndata: \(data)\n\n"
    }

    package static func == (lhs: StreamEvent, rhs: StreamEvent) -> Bool {
        lhs.seq == rhs.seq && lhs.name == rhs.name && lhs.data == rhs.data
    }
}

/// The one event source of evaluations and training jobs: writers push an
/// event right after the transaction that makes it true; every subscriber
/// has a buffer of its own, bounded.
///
/// The database stays the record: a subscriber replays what it missed from
/// there (subscribing first, so nothing falls between the replay and the
/// live events), and one that falls more than `bufferLimit` events behind
/// is told it lagged (its buffer is dropped) and replays again. Memory is
/// therefore at most `bufferLimit` events per subscriber, however slow it is.
///
/// A waiting subscriber costs one suspended continuation and nothing else:
/// no timer of its own. Keep-alive comes from ``heartbeat()``, which one
/// shared timer (``EventHubHeartbeat``) calls for every stream of the
/// server: it wakes each subscriber that is waiting with `.timedOut`.
package final class EventHub: Sendable {
    /// One subscriber's state; only ever touched under the hub's lock.
    fileprivate final class Subscriber {
        var buffer: [StreamEvent] = []
        var lagged = false
        /// A heartbeat woke it while it had nothing to take.
        var heartbeatDue = false
        var waiter: CheckedContinuation<Void, Never>?

        /// Detaches the continuation to resume outside the lock.
        func takeWaiter() -> CheckedContinuation<Void, Never>? {
            defer { waiter = nil }
            return waiter
        }
    }

    fileprivate struct Stream {
        var subscribers: [UUID: Subscriber] = [:]
        var closed = false
    }

    package let bufferLimit: Int
    fileprivate let streams = Mutex<[EventStreamKey: Stream]>([:])

    package init(bufferLimit: Int = 256) {
        self.bufferLimit = max(1, bufferLimit)
    }

    /// Delivers `event` to every subscriber of `key`.
    /// Whether anyone follows `key` now (an event nobody follows need not be formatted).
    package func hasSubscribers(_ key: EventStreamKey) -> Bool {
        streams.withLock { streams in !(streams[key]?.subscribers.isEmpty ?? true) }
    }

    package func publish(_ event: StreamEvent, on key: EventStreamKey) {
        let waiters = streams.withLock { streams -> [CheckedContinuation<Void, Never>] in
            guard let subscribers = streams[key]?.subscribers.values else { return [] }
            var woken: [CheckedContinuation<Void, Never>] = []
            woken.reserveCapacity(subscribers.count)
            for subscriber in subscribers {
                if subscriber.buffer.count >= bufferLimit {
                    subscriber.buffer.removeAll()
                    subscriber.lagged = true
                } else if !subscriber.lagged {
                    subscriber.buffer.append(event)
                }
                if let waiter = subscriber.takeWaiter() { woken.append(waiter) }
            }
            return woken
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Ends `key`: its subscribers get what is buffered, then `.closed`.
    package func close(_ key: EventStreamKey) {
        let waiters = streams.withLock { streams -> [CheckedContinuation<Void, Never>] in
            guard streams[key] != nil else { return [] }
            streams[key]?.closed = true
            return streams[key]?.subscribers.values.compactMap { $0.takeWaiter() } ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Wakes every subscriber that is waiting, on every stream, with
    /// `.timedOut`: the keep-alive tick of all event streams at once.
    package func heartbeat() {
        let waiters = streams.withLock { streams -> [CheckedContinuation<Void, Never>] in
            var woken: [CheckedContinuation<Void, Never>] = []
            for stream in streams.values {
                for subscriber in stream.subscribers.values {
                    guard let waiter = subscriber.takeWaiter() else { continue }
                    subscriber.heartbeatDue = true
                    woken.append(waiter)
                }
            }
            return woken
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Subscribes to `key` from now on; replay what came before from the store.
    package func subscribe(_ key: EventStreamKey) -> EventSubscription {
        let id = UUID()
        streams.withLock { streams in
            var stream = streams[key] ?? Stream()
            // A key closed before and subscribed again is a fresh stream: its
            // end is already in the store, which the subscriber replays.
            if stream.subscribers.isEmpty { stream.closed = false }
            stream.subscribers[id] = Subscriber()
            streams[key] = stream
        }
        return EventSubscription(hub: self, key: key, id: id)
    }

    /// Subscribers of `key` right now.
    package func subscriberCount(_ key: EventStreamKey) -> Int {
        streams.withLock { $0[key]?.subscribers.count ?? 0 }
    }

    /// Subscribers of `key` parked waiting for news right now.
    package func waitingCount(_ key: EventStreamKey) -> Int {
        streams.withLock { $0[key]?.subscribers.values.filter { $0.waiter != nil }.count ?? 0 }
    }

    /// Subscribers of every stream together.
    package var totalSubscribers: Int {
        streams.withLock { $0.values.reduce(0) { $0 + $1.subscribers.count } }
    }

    fileprivate func unsubscribe(_ key: EventStreamKey, _ id: UUID) {
        let waiter = streams.withLock { streams -> CheckedContinuation<Void, Never>? in
            let waiter = streams[key]?.subscribers.removeValue(forKey: id)?.takeWaiter()
            if streams[key]?.subscribers.isEmpty == true { streams[key] = nil }
            return waiter
        }
        waiter?.resume()
    }
}

/// One subscriber's view of a stream. Unsubscribes when released.
package final class EventSubscription: Sendable {
    /// What ``next()`` found.
    package enum Next: Sendable, Equatable {
        /// Events in publication order (everything buffered at once).
        case events([StreamEvent])
        /// The buffer overflowed and was dropped: replay from the store.
        case lagged
        /// The stream ended and everything was delivered.
        case closed
        /// A heartbeat passed with nothing new (time for a keep-alive).
        case timedOut
    }

    private let hub: EventHub
    private let key: EventStreamKey
    private let id: UUID

    fileprivate init(hub: EventHub, key: EventStreamKey, id: UUID) {
        self.hub = hub
        self.key = key
        self.id = id
    }

    deinit { hub.unsubscribe(key, id) }

    /// What is ready now, without waiting: nil when nothing is.
    package func poll() -> Next? { take(acceptingHeartbeat: false) }

    /// The next events, or why there are none: waits for news, the end of
    /// the stream, the hub's next ``EventHub/heartbeat()`` (`.timedOut`) or
    /// the task's cancellation (`.closed`).
    package func next() async -> Next {
        if let ready = take(acceptingHeartbeat: false) { return ready }
        await waitForNews()
        return take(acceptingHeartbeat: true) ?? (Task.isCancelled ? .closed : .timedOut)
    }

    private func take(acceptingHeartbeat: Bool) -> Next? {
        hub.streams.withLock { streams -> Next? in
            guard let stream = streams[key], let subscriber = stream.subscribers[id] else { return .closed }
            if subscriber.lagged {
                subscriber.lagged = false
                subscriber.heartbeatDue = false
                return .lagged
            }
            if !subscriber.buffer.isEmpty {
                defer { subscriber.buffer.removeAll(keepingCapacity: true) }
                subscriber.heartbeatDue = false
                return .events(subscriber.buffer)
            }
            if stream.closed { return .closed }
            if acceptingHeartbeat, subscriber.heartbeatDue {
                subscriber.heartbeatDue = false
                return .timedOut
            }
            return nil
        }
    }

    private func waitForNews() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = hub.streams.withLock { streams -> Bool in
                    guard let stream = streams[key], let subscriber = stream.subscribers[id] else { return true }
                    if subscriber.lagged || !subscriber.buffer.isEmpty || stream.closed || subscriber.heartbeatDue
                        || Task.isCancelled
                    {
                        return true
                    }
                    subscriber.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = hub.streams.withLock { streams in
                streams[key]?.subscribers[id]?.takeWaiter()
            }
            waiter?.resume()
        }
    }
}
