import Foundation

/// The events of an evaluation's stream. Every event's `seq` (its SSE `id:`)
/// is the number of samples done when it was sent, so `Last-Event-ID: N`
/// means "I have seen the progress up to N".
package enum EvaluationEventFormat {
    /// `status` with the state (and error), then `progress`, then `end`
    /// with the results when the evaluation is over: what a subscriber is
    /// sent on connecting, and after every status change.
    package static func events(for view: EvaluationView) -> [StreamEvent] {
        var events = [status(view)]
        events.append(progress(view.progress))
        if view.status.isTerminal { events.append(end(view)) }
        return events
    }

    package static func status(_ view: EvaluationView) -> StreamEvent {
        StreamEvent(
            seq: Int64(view.progress.done), name: "status",
            data: json(["status": view.status.rawValue, "error": view.error ?? ""]))
    }

    package static func progress(_ progress: EvaluationView.Progress) -> StreamEvent {
        StreamEvent(seq: Int64(progress.done), name: "progress", data: json(["done": progress.done, "total": progress.total]))
    }

    package static func end(_ view: EvaluationView) -> StreamEvent {
        let results = (try? JSONEncoder().encode(view.results)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return StreamEvent(
            seq: Int64(view.progress.done), name: "end",
            data: "{\"status\":\"\(view.status.rawValue)\",\"results\":\(results)}")
    }

    private static func json(_ object: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
