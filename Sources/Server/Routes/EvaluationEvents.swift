import Foundation
import HTTPTypes
import Hummingbird
import ServerCore

/// `GET /api/v1/evaluations/{id}/events`: progress as server-sent events.
///
/// The stream follows the database through the shared `EvaluationFeed` (one
/// read per half second per evaluation, whatever the number of watchers), so
/// it survives restarts and needs no in-memory history: `status` on every
/// state change (and first on every connection: the state a client resumes
/// from), `progress` whenever samples land, a comment heartbeat after 15 s
/// without news, and `end` when the evaluation is over. Every event's `id:`
/// is the number of samples done when it was sent, so a reconnect with
/// `Last-Event-ID` skips the progress it saw.
struct EvaluationEvents: Sendable {
    let store: EvaluationStore
    let feed: EvaluationFeed
    let id: Int64
    var heartbeatInterval: Duration = .seconds(15)

    func response(lastEventID: Int? = nil) -> Response {
        let store = self.store, feed = self.feed, id = self.id, heartbeat = heartbeatInterval
        let headers: HTTPFields = [
            .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            feed.join(id)
            defer { feed.leave(id) }
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            var lastStatus: JobStatus?
            var lastDone = lastEventID ?? -1
            var seen = 0
            while !Task.isCancelled {
                guard let (snapshot, version) = try await feed.next(
                    id, after: seen, store: store, deadline: .now + heartbeat)
                else {
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    continue
                }
                seen = version
                var text = ""
                if snapshot.status != lastStatus {
                    lastStatus = snapshot.status
                    text += Self.event("status", id: snapshot.done, data: ["status": snapshot.status.rawValue, "error": snapshot.error])
                }
                if snapshot.done > lastDone {
                    lastDone = snapshot.done
                    text += Self.event("progress", id: snapshot.done, data: ["done": snapshot.done, "total": snapshot.total])
                }
                if let results = snapshot.results {
                    text += "id: \(snapshot.done)\nevent: end\ndata: {\"status\":\"\(snapshot.status.rawValue)\",\"results\":\(results)}\n\n"
                    try await writer.write(ByteBuffer(string: text))
                    break
                }
                if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
            }
            try await writer.finish(nil)
        })
    }

    private static func event(_ name: String, id: Int?, data: [String: Any]) -> String {
        let json = (try? JSONSerialization.data(withJSONObject: data, options: [.sortedKeys]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return (id.map { "id: \($0)\n" } ?? "") + "event: \(name)\ndata: \(json)\n\n"
    }
}
