import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// POSTs JSON with a per-request timeout, an optional shared concurrency
/// limit and retries (`RetryPolicy`) on 408 / 429 / 5xx, timeouts and
/// connection failures; other statuses fail at once. Cancelling the calling
/// task cancels the request in flight (AsyncHTTPClient) or the wait between
/// attempts. Used by the model clients, the judge and the search backends.
public struct RetryingHTTPClient: Sendable {
    /// The HTTP client (default `RetryingHTTPClient.defaultClient`).
    public var client: HTTPClient
    /// Retry timing.
    public var retry: RetryPolicy
    /// Time allowed for one attempt, answer body included.
    public var requestTimeout: Duration
    /// Held during each attempt (not while waiting to retry), when set.
    public var limiter: ConcurrencyLimiter?
    /// Headers added to every request (e.g. `Authorization`).
    public var headers: HTTPHeaders
    /// The largest answer body read, in bytes (default 32 MiB).
    public var maxResponseBytes: Int
    /// Where retries are logged (info level).
    public var logger: Logger

    /// Creates a client.
    /// - Parameters:
    ///   - client: the HTTP client.
    ///   - retry: retry timing.
    ///   - requestTimeout: time allowed per attempt.
    ///   - limiter: a concurrency limit shared with other callers.
    ///   - headers: headers for every request.
    ///   - logger: the logger for retries.
    public init(
        client: HTTPClient = RetryingHTTPClient.defaultClient, retry: RetryPolicy = RetryPolicy(),
        requestTimeout: Duration = .seconds(600), limiter: ConcurrencyLimiter? = nil,
        headers: HTTPHeaders = [:], logger: Logger = Logger(label: "aepo.http")
    ) {
        self.client = client
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.limiter = limiter
        self.headers = headers
        self.maxResponseBytes = 32 << 20
        self.logger = logger
    }

    /// The HTTP client the model, judge and search clients use unless given
    /// another; it is never shut down. Connections time out after 10 s but
    /// reads have no timeout of their own, since a non-streamed completion
    /// sends nothing until it is done (each call has its own deadline), and
    /// up to 512 connections per host are opened, so the endpoint's
    /// concurrency limit is the one that binds. (`HTTPClient.shared` has a
    /// 90 s read timeout, which long generations exceed, and 8 connections
    /// per host.)
    public static let defaultClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: defaultConfiguration)

    /// The HTTP client of endpoints with several replicas: `defaultClient`'s
    /// configuration, except that a connection that cannot be made fails the
    /// attempt at once instead of being retried until the 10 s connect
    /// timeout, so a replica that is down costs its requests a failover to
    /// another replica, not 10 s each. Never shut down.
    public static let failFastClient: HTTPClient = {
        var configuration = defaultConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// The configuration of `defaultClient`.
    public static var defaultConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(10), read: nil))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 512)
        return configuration
    }

    /// POSTs `body` as JSON and returns the 2xx answer body.
    /// - Parameters:
    ///   - url: the endpoint URL.
    ///   - body: the JSON body.
    /// - Throws: `HTTPCallError`: the first non-retryable failure, or
    ///   `.retriesExhausted` wrapping the last retryable one.
    public func postJSON(to url: String, body: Data) async throws(HTTPCallError) -> Data {
        try await call(url: url, body: body)
    }

    /// GETs `url` (e.g. `/v1/models`) and returns the 2xx answer body, with
    /// the same timeout, limiter and retries as `postJSON`.
    public func getJSON(from url: String) async throws(HTTPCallError) -> Data {
        try await call(url: url, body: nil)
    }

    /// Where a call goes: one URL, or a route on whichever replica is leased.
    enum Target {
        case url(String)
        case replicas(ReplicaPool, route: String)
    }

    /// One call with its retries: a POST of `body`, or a GET when it is nil.
    private func call(url: String, body: Data?) async throws(HTTPCallError) -> Data {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw .invalidURL(url) }
        return try await call(.url(url), body: body)
    }

    func call(_ target: Target, body: Data?) async throws(HTTPCallError) -> Data {
        var failures = 0
        while true {
            if Task.isCancelled { throw .cancelled }
            let (result, retryAfter, url) = await attempt(target, body: body)
            let error: HTTPCallError
            switch result {
            case .success(let data): return data
            case .failure(let failure): error = failure
            }
            if Task.isCancelled { throw .cancelled }
            failures += 1
            guard error.isRetryable else { throw error }
            guard failures < retry.maxAttempts else {
                throw failures == 1 ? error : .retriesExhausted(attempts: failures, last: error)
            }
            let wait = retry.delay(afterFailures: failures, retryAfter: retryAfter)
            logger.info(
                "retrying HTTP call",
                metadata: ["http.url": "\(url)", "http.error": "\(error)", "http.wait": "\(wait)"])
            do {
                try await Task.sleep(for: wait)
            } catch {
                throw .cancelled
            }
        }
    }

    /// One attempt, holding a permit of the limiter or a lease of a replica;
    /// returns the URL it went to.
    private func attempt(_ target: Target, body: Data?) async -> (Result<Data, HTTPCallError>, Double?, String) {
        switch target {
        case .url(let url):
            if let limiter {
                do {
                    try await limiter.acquire()
                } catch {
                    return (.failure(.cancelled), nil, url)
                }
            }
            let (result, retryAfter) = await send(url: url, body: body)
            if let limiter { await limiter.release() }
            return (result, retryAfter, url)
        case .replicas(let pool, let route):
            let lease: ReplicaPool.Lease
            do {
                lease = try await pool.acquire()
            } catch {
                return (.failure(.cancelled), nil, route)
            }
            let url = OpenAIEndpoint.join(lease.baseURL, route)
            let (result, retryAfter) = await send(url: url, body: body)
            await pool.release(lease, Self.replicaOutcome(of: result))
            return (result, retryAfter, url)
        }
    }

    private func send(url: String, body: Data?) async -> (Result<Data, HTTPCallError>, Double?) {
        var request = HTTPClientRequest(url: url)
        request.method = body == nil ? .GET : .POST
        request.headers = headers
        request.headers.replaceOrAdd(name: "Accept", value: "application/json")
        if let body {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(requestTimeout.nanoseconds))
            let buffer = try await response.body.collect(upTo: maxResponseBytes)
            let data = Data(buffer.readableBytesView)
            guard (200..<300).contains(response.status.code) else {
                // A server may echo the request's headers: its key never goes in an error.
                let excerpt = redactingSecrets(String(decoding: data.prefix(2000), as: UTF8.self)).clipped(to: 500)
                let retryAfter = response.headers.first(name: "Retry-After").flatMap { Double($0.trimmed) }
                return (.failure(.status(code: Int(response.status.code), body: excerpt)), retryAfter)
            }
            return (.success(data), nil)
        } catch {
            return (.failure(classify(error)), nil)
        }
    }

    /// Maps an AsyncHTTPClient or NIO error to an `HTTPCallError`.
    private func classify(_ error: any Error) -> HTTPCallError {
        if Task.isCancelled || error is CancellationError { return .cancelled }
        guard let error = error as? HTTPClientError else { return .transport(String(describing: error)) }
        switch error {
        case .cancelled:
            return .cancelled
        case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout:
            return .timedOut(seconds: requestTimeout.seconds)
        case .invalidURL, .emptyHost, .emptyScheme:
            return .invalidURL(String(describing: error))
        default:
            return .transport(String(describing: error))
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let parts = components
        let (scaled, overflow) = parts.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled &+ parts.attoseconds / 1_000_000_000
    }

    /// The duration in seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
