/// Why a page could not be fetched. The deep search drops that page (its
/// snippet still reaches the summariser) and caches nothing, so a later run
/// tries again.
public enum PageFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not an `http://` or `https://` address (a redirect to `file:` or
    /// `ftp:` included).
    case unsupportedURL(String)
    /// More redirects than allowed.
    case tooManyRedirects(Int)
    /// A 3xx answer without a usable `Location`.
    case badRedirect(String)
    /// A non-2xx answer.
    case status(Int)
    /// The page did not arrive within the per-page timeout.
    case timedOut(seconds: Double)
    /// The connection failed.
    case transport(String)
    /// The calling task was cancelled.
    case cancelled

    public var description: String {
        switch self {
        case .unsupportedURL(let url): return "not an http(s) address: \(url)"
        case .tooManyRedirects(let limit): return "more than \(limit) redirects"
        case .badRedirect(let detail): return "bad redirect: \(detail)"
        case .status(let code): return "HTTP \(code)"
        case .timedOut(let seconds): return "no page within \(seconds) s"
        case .transport(let detail): return "connection failed: \(detail)"
        case .cancelled: return "cancelled"
        }
    }
}
