import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Trainer

extension ServeModelCommand {
    /// The response of a `stream: true` request: `text/event-stream`, each
    /// event written as the engine makes its text final.
    ///
    /// A client that leaves mid-stream must not keep its engine slots busy
    /// until `max_tokens`: the stream stops when the connection closes (a
    /// write failing is the second line), and stopping cancels its choices'
    /// engine requests. The connection's inbound stream is left alone (a
    /// handler reading it would have to close the connection after the
    /// answer), so a keep-alive client can send its next request on it.
    /// - Parameters:
    ///   - stream: the accepted request's events.
    ///   - connectionClosed: completes when the request's connection closes.
    static func eventStream(_ stream: OpenAIEventStream, connectionClosed: EventLoopFuture<Void>) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache",
            HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await stream.run { data in
                try await writer.write(ByteBuffer(bytes: data))
            } whenClientLeaves: { leave in
                connectionClosed.whenComplete { _ in leave() }
            }
            try await writer.finish(nil)
        })
    }
}
