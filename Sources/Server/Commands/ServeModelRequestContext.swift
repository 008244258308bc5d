import Hummingbird
import NIOCore

/// Per-request state of `aepo serve-model`: the connection's close future,
/// so that a streamed answer stops (and frees its engine slots) as soon as
/// its client leaves, without waiting for a write to fail.
struct ServeModelRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Completes when the request's connection closes.
    let connectionClosed: EventLoopFuture<Void>

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        connectionClosed = source.channel.closeFuture
    }
}
