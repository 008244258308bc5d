/// Why a call to a model, judge or search endpoint failed.
public enum HTTPCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL is not an `http://` or `https://` URL.
    case invalidURL(String)
    /// The server answered with a non-2xx status; `body` is the start of
    /// its answer (at most 500 characters).
    case status(code: Int, body: String)
    /// The connection failed or was closed (refused, reset, DNS, TLS).
    case transport(String)
    /// No complete answer within the per-request timeout.
    case timedOut(seconds: Double)
    /// A 2xx answer that is not the expected JSON.
    case invalidResponse(String)
    /// The calling task was cancelled; the request was abandoned.
    case cancelled
    /// Every attempt failed with a retryable error; `last` is the last one.
    indirect case retriesExhausted(attempts: Int, last: HTTPCallError)

    /// Whether another attempt may succeed: 408, 429 and 5xx statuses,
    /// transport failures and timeouts.
    public var isRetryable: Bool {
        switch self {
        case .status(let code, _): return code == 408 || code == 429 || (500...599).contains(code)
        case .transport, .timedOut: return true
        case .invalidURL, .invalidResponse, .cancelled, .retriesExhausted: return false
        }
    }

    /// The HTTP status behind the error, if a server answered.
    public var statusCode: Int? {
        switch self {
        case .status(let code, _): return code
        case .retriesExhausted(_, let last): return last.statusCode
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let url): return "invalid URL \"\(url)\" (expected http:// or https://)"
        case .status(let code, let body): return "HTTP \(code): \(body)"
        case .transport(let detail): return "connection failed: \(detail)"
        case .timedOut(let seconds): return "no answer within \(seconds) s"
        case .invalidResponse(let detail): return "unexpected response: \(detail)"
        case .cancelled: return "cancelled"
        case .retriesExhausted(let attempts, let last): return "gave up after \(attempts) attempts: \(last)"
        }
    }
}
