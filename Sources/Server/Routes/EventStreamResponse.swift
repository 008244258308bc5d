import Foundation
import HTTPTypes
import Hummingbird
import ServerCore

/// Where a subscriber is in a stream, and how to catch up from the store.
protocol StreamCursor: Sendable {
    /// What the store holds beyond the cursor (moving it), and whether the
    /// stream is over.
    mutating func replay() async throws -> (events: [StreamEvent], finished: Bool)
    /// Whether a live event is new to this subscriber (moving the cursor).
    mutating func admit(_ event: StreamEvent) -> Bool
}

/// A server-sent event stream for one evaluation or training job.
///
/// It subscribes to the hub first and replays from the store second, so no
/// event falls between the two; then it follows the hub, replaying from
/// the store again whenever it lagged. A comment goes out on each tick of
/// the hub's shared heartbeat (``EventHubHeartbeat``) that finds the stream
/// waiting; the stream closes after `end`. The client is
/// told to reconnect after 2 s (`retry:`), with `Last-Event-ID`.
struct EventStreamResponse<Cursor: StreamCursor>: Sendable {
    let hub: EventHub
    let key: EventStreamKey
    let cursor: Cursor

    func response() -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        let hub = self.hub, key = self.key, start = self.cursor
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var cursor = start
            let subscription = hub.subscribe(key)
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            var (events, finished) = try await cursor.replay()
            try await Self.write(events, to: &writer)
            while !finished, !Task.isCancelled {
                switch await subscription.next() {
                case .events(let live):
                    events = live.filter { cursor.admit($0) }
                    finished = events.contains { $0.name == "end" }
                    try await Self.write(events, to: &writer)
                case .lagged, .closed:
                    (events, finished) = try await cursor.replay()
                    try await Self.write(events, to: &writer)
                    // Closed without an end in the store: the writer went away
                    // (the server is stopping); the client will reconnect.
                    if case .closed = subscription.poll() { finished = true }
                case .timedOut:
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                }
            }
            try await writer.finish(nil)
        })
    }

    private static func write(_ events: [StreamEvent], to writer: inout any ResponseBodyWriter) async throws {
        guard !events.isEmpty else { return }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(events.reduce(0) { $0 + $1.wire.utf8.count })
        for event in events { buffer.writeString(event.wire) }
        try await writer.write(buffer)
    }
}

/// A training job's stream: every stored event after `last`, by sequence number.
struct TrainingEventCursor: StreamCursor {
    let store: TrainingStore
    let job: Int64
    var last: Int64
    var batch = 500

    mutating func replay() async throws -> (events: [StreamEvent], finished: Bool) {
        var events: [StreamEvent] = []
        while true {
            let stored = try await store.events(job: job, after: last, limit: batch)
            for event in stored {
                events.append(StreamEvent(seq: event.seq, name: event.kind.rawValue, data: event.data))
                last = event.seq
                if event.kind == .end { return (events, true) }
            }
            if stored.count < batch { return (events, false) }
        }
    }

    mutating func admit(_ event: StreamEvent) -> Bool {
        guard event.seq > last else { return false }
        last = event.seq
        return true
    }
}

/// An evaluation's stream: the state as the store has it (`status` on every
/// change and first on every connection, `progress` past `Last-Event-ID`,
/// `end` with the results), then live events that change it.
struct EvaluationEventCursor: StreamCursor {
    let store: EvaluationStore
    let id: Int64
    var lastDone: Int64
    var lastStatus: String?

    init(store: EvaluationStore, id: Int64, lastEventID: Int64?) {
        self.store = store
        self.id = id
        self.lastDone = lastEventID ?? -1
    }

    mutating func replay() async throws -> (events: [StreamEvent], finished: Bool) {
        let view = try await store.view(id)
        let events = EvaluationEventFormat.events(for: view).filter { admit($0) }
        return (events, view.status.isTerminal)
    }

    mutating func admit(_ event: StreamEvent) -> Bool {
        switch event.name {
        case "status":
            guard event.data != lastStatus else { return false }
            lastStatus = event.data
            return true
        case "progress":
            guard event.seq > lastDone else { return false }
            lastDone = event.seq
            return true
        default:
            return true
        }
    }
}
