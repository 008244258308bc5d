import HTTPTypes
import NIOCore
import NIOHTTPTypes
import ServerCore

/// Answers `Expect: 100-continue` (what `curl -T` sends for large bodies):
/// a declared body over the upload limit gets `413` at once, before the
/// client sends a byte of it; any other gets `100 Continue` and the request
/// goes on to the router without the `Expect` header. It also lets reads
/// grow to 1 MiB, which nearly halves the per-byte cost of large uploads.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let maxBodyBytes: Int64
    /// Set while the parts of a refused request are being dropped.
    private var discarding = false

    init(maxBodyBytes: Int64) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// Large uploads arrive in bigger reads: each read becomes one body part,
    /// and each part costs a hop into the handler's task, so fewer parts
    /// mean less overhead per byte (NIO's default tops out at 64 KiB).
    func handlerAdded(context: ChannelHandlerContext) {
        let allocator = AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 64 * 1024, maximum: 1024 * 1024)
        _ = context.channel.setOption(ChannelOptions.recvAllocator, value: allocator)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(var request):
            guard let expect = request.headerFields[.expect], expect.lowercased() == "100-continue" else {
                context.fireChannelRead(data)
                return
            }
            request.headerFields[.expect] = nil
            if let length = request.headerFields[.contentLength].flatMap(Int64.init), length > maxBodyBytes {
                refuse(context: context, declaredLength: length)
                return
            }
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            context.fireChannelRead(wrapInboundOut(.head(request)))
        case .body, .end:
            if discarding {
                if case .end = part { discarding = false }
                return
            }
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
    }

    /// Sends the API's 413 error and closes the connection: the client was
    /// told not to send the body, and nothing else may follow on this connection.
    private func refuse(context: ChannelHandlerContext, declaredLength: Int64) {
        discarding = true
        let message = "the body (\(declaredLength) bytes) exceeds the server's upload limit of \(maxBodyBytes) bytes"
        let body = #"{"error":{"code":"payload_too_large","message":"\#(message)"}}"#
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        let head = HTTPResponse(
            status: .contentTooLarge,
            headerFields: [
                .contentType: "application/json; charset=utf-8", .contentLength: String(buffer.readableBytes),
                .connection: "close",
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(buffer)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
