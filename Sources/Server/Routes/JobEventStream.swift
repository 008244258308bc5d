import Foundation
import HTTPTypes
import Hummingbird
import ServerCore

/// `GET /api/v1/training-jobs/{id}/events`: the job's events as
/// server-sent events. Every event carries `id:` (its sequence number) and
/// `event:` (`status`, `metric`, `log`, `end`); a reconnect with
/// `Last-Event-ID` (or `?after=`) replays exactly what was missed, then
/// follows live; a comment heartbeat goes out every 15 s; the stream closes
/// after `end`.
struct JobEventStream: Sendable {
    let store: TrainingStore
    let hub: JobEventHub
    let job: Int64
    var heartbeat: Duration = .seconds(15)
    var batchLimit = 500

    func response(after start: Int64) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            var last = start
            while !Task.isCancelled {
                let batch: [JobEvent]
                if let recent = hub.recent(job: job, after: last) {
                    batch = recent
                } else {
                    batch = try await store.events(job: job, after: last, limit: batchLimit)
                }
                if batch.isEmpty {
                    // Nothing new in memory; the database has the final word
                    // (a job that ended before we subscribed, or a closed ring).
                    let stored = try await store.events(job: job, after: last, limit: batchLimit)
                    if stored.isEmpty {
                        if try await !waitOrHeartbeat(after: last) {
                            try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                        }
                        continue
                    }
                    last = try await write(stored, to: &writer)
                } else {
                    last = try await write(batch, to: &writer)
                }
                if last == -1 { break }
            }
            try await writer.finish(nil)
        })
    }

    /// Writes events; returns the last sequence written, or -1 after `end`.
    private func write(_ events: [JobEvent], to writer: inout any ResponseBodyWriter) async throws -> Int64 {
        var text = ""
        var last: Int64 = 0
        for event in events {
            text += "id: \(event.seq)\nevent: \(event.kind.rawValue)\ndata: \(event.data)\n\n"
            last = event.seq
            if event.kind == .end {
                try await writer.write(ByteBuffer(string: text))
                return -1
            }
        }
        try await writer.write(ByteBuffer(string: text))
        return last
    }

    /// Waits for a new event; false when the heartbeat interval passed first.
    private func waitOrHeartbeat(after seq: Int64) async throws -> Bool {
        let hub = self.hub, job = self.job, heartbeat = self.heartbeat
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await hub.wait(job: job, after: seq)
                return true
            }
            group.addTask {
                try? await Task.sleep(for: heartbeat)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
