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
    package var seq: Int64
    package var name: String
    package var data: String

    package init(seq: Int64, name: String, data: String) {
        self.seq = seq
        self.name = name
        self.data = data
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
package final class EventHub: Sendable {
    fileprivate struct Subscriber {
        var buffer: [StreamEvent] = []
        var lagged = false
        var waiter: CheckedContinuation<Void, Never>?
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
    package func publish(_ event: StreamEvent, on key: EventStreamKey) {
        let waiters = streams.withLock { streams -> [CheckedContinuation<Void, Never>] in
            guard var stream = streams[key] else { return [] }
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, var subscriber) in stream.subscribers {
                if subscriber.buffer.count >= bufferLimit {
                    subscriber.buffer.removeAll()
                    subscriber.lagged = true
                } else if !subscriber.lagged {
                    subscriber.buffer.append(event)
                }
                if let waiter = subscriber.waiter {
                    woken.append(waiter)
                    subscriber.waiter = nil
                }
                stream.subscribers[id] = subscriber
            }
            streams[key] = stream
            return woken
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Ends `key`: its subscribers get what is buffered, then `.closed`.
    package func close(_ key: EventStreamKey) {
        let waiters = streams.withLock { streams -> [CheckedContinuation<Void, Never>] in
            guard var stream = streams[key] else { return [] }
            stream.closed = true
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, var subscriber) in stream.subscribers {
                if let waiter = subscriber.waiter { woken.append(waiter) }
                subscriber.waiter = nil
                stream.subscribers[id] = subscriber
            }
            streams[key] = stream
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

    /// Subscribers of every stream together.
    package var totalSubscribers: Int {
        streams.withLock { $0.values.reduce(0) { $0 + $1.subscribers.count } }
    }

    fileprivate func unsubscribe(_ key: EventStreamKey, _ id: UUID) {
        let waiter = streams.withLock { streams -> CheckedContinuation<Void, Never>? in
            guard var stream = streams[key] else { return nil }
            let waiter = stream.subscribers.removeValue(forKey: id)?.waiter
            streams[key] = stream.subscribers.isEmpty ? nil : stream
            return waiter
        }
        waiter?.resume()
    }
}

/// One subscriber's view of a stream. Unsubscribes when released.
package final class EventSubscription: Sendable {
    /// What ``next(timeout:)`` found.
    package enum Next: Sendable, Equatable {
        /// Events in publication order (everything buffered at once).
        case events([StreamEvent])
        /// The buffer overflowed and was dropped: replay from the store.
        case lagged
        /// The stream ended and everything was delivered.
        case closed
        /// Nothing happened within the timeout (time for a heartbeat).
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

    /// The next events, or why there are none, waiting at most `timeout`.
    package func next(timeout: Duration) async -> Next {
        if let ready = take() { return ready }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForNews() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return take() ?? (Task.isCancelled ? .closed : .timedOut)
    }

    private func take() -> Next? {
        hub.streams.withLock { streams -> Next? in
            guard var stream = streams[key], var subscriber = stream.subscribers[id] else { return .closed }
            defer {
                stream.subscribers[id] = subscriber
                streams[key] = stream
            }
            if subscriber.lagged {
                subscriber.lagged = false
                return .lagged
            }
            if !subscriber.buffer.isEmpty {
                defer { subscriber.buffer.removeAll(keepingCapacity: true) }
                return .events(subscriber.buffer)
            }
            return stream.closed ? .closed : nil
        }
    }

    private func waitForNews() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = hub.streams.withLock { streams -> Bool in
                    guard var stream = streams[key], var subscriber = stream.subscribers[id] else { return true }
                    if subscriber.lagged || !subscriber.buffer.isEmpty || stream.closed || Task.isCancelled { return true }
                    subscriber.waiter = continuation
                    stream.subscribers[id] = subscriber
                    streams[key] = stream
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = hub.streams.withLock { streams -> CheckedContinuation<Void, Never>? in
                guard var stream = streams[key], var subscriber = stream.subscribers[id] else { return nil }
                defer {
                    subscriber.waiter = nil
                    stream.subscribers[id] = subscriber
                    streams[key] = stream
                }
                return subscriber.waiter
            }
            waiter?.resume()
        }
    }
}
