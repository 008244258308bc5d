import Hummingbird
import ServerCore

/// Per-request state: the token the request authenticated with, if any.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var token: TokenRecord?

    init(source: Source) {
        self.coreContext = .init(source: source)
        self.token = nil
    }
}
