import Foundation
import HTTPTypes
import Hummingbird

/// `GET /api/v1/evaluations/{id}/events`: progress as server-sent events.
///
/// The stream follows the database (every half second), so it survives
/// restarts and needs no in-memory history: `status` on every state change
/// (and first on every connection: the state a client resumes from),
/// `progress` whenever a sample lands, a comment heartbeat every 15 s, and
/// `end` when the evaluation is over. Every event's `id:` is the number of
/// samples done when it was sent, so a reconnect with `Last-Event-ID` skips
/// the progress it saw.
struct EvaluationEvents: Sendable {
    let store: EvaluationStore
    let id: Int64
    var pollInterval: Duration = .milliseconds(500)
    var heartbeatInterval: Duration = .seconds(15)

    func response(lastEventID: Int? = nil) -> Response {
        let store = self.store
        let id = self.id
        let poll = pollInterval
        let heartbeat = heartbeatInterval
        let headers: HTTPFields = [
            .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            var lastStatus: JobStatus?
            var lastDone = lastEventID ?? -1
            var lastWrite = ContinuousClock.now
            while !Task.isCancelled {
                let view = try store.view(id)
                var text = ""
                if view.status != lastStatus {
                    lastStatus = view.status
                    text += Self.event(
                        "status", id: view.progress.done, data: ["status": view.status.rawValue, "error": view.error ?? ""])
                }
                if view.progress.done > lastDone {
                    lastDone = view.progress.done
                    text += Self.event("progress", id: view.progress.done, data: ["done": view.progress.done, "total": view.progress.total])
                }
                if view.status.isTerminal {
                    let results = (try? JSONEncoder().encode(view.results)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
                    text += "id: \(view.progress.done)\nevent: end\ndata: {\"status\":\"\(view.status.rawValue)\",\"results\":\(results)}\n\n"
                    try await writer.write(ByteBuffer(string: text))
                    break
                }
                if text.isEmpty, ContinuousClock.now - lastWrite >= heartbeat { text = ": heartbeat\n\n" }
                if !text.isEmpty {
                    try await writer.write(ByteBuffer(string: text))
                    lastWrite = ContinuousClock.now
                }
                try await Task.sleep(for: poll)
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
