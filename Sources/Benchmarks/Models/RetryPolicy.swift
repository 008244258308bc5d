/// When and how long to wait before retrying an HTTP call: capped
/// exponential backoff with jitter, and a server's `Retry-After` honoured up
/// to the cap. Never retries forever.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included (default 5; 1 disables retries).
    public var maxAttempts: Int
    /// The wait after the first failure, in seconds (default 0.5); it
    /// doubles after each further failure.
    public var baseDelaySeconds: Double
    /// The longest wait, in seconds (default 8), `Retry-After` included.
    public var maxDelaySeconds: Double
    /// The random share of each wait, in [0, 1] (default 0.5: a wait of d
    /// becomes a uniform value in [d/2, d]).
    public var jitter: Double

    /// Creates a policy; see the properties for the defaults.
    public init(
        maxAttempts: Int = 5, baseDelaySeconds: Double = 0.5, maxDelaySeconds: Double = 8,
        jitter: Double = 0.5
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelaySeconds = max(0, baseDelaySeconds)
        self.maxDelaySeconds = max(0, maxDelaySeconds)
        self.jitter = min(1, max(0, jitter))
    }

    /// No retries: one attempt.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before the next attempt.
    /// - Parameters:
    ///   - failures: attempts failed so far (1 after the first).
    ///   - retryAfter: the server's `Retry-After` in seconds, if it sent one.
    /// - Returns: `min(cap, retryAfter)` when the server said, else
    ///   `min(cap, base · 2^(failures-1))` with its jitter share random.
    public func delay(afterFailures failures: Int, retryAfter: Double? = nil) -> Duration {
        let seconds: Double
        if let retryAfter, retryAfter.isFinite, retryAfter >= 0 {
            seconds = min(maxDelaySeconds, retryAfter)
        } else {
            let exponent = Double(max(0, min(failures - 1, 30)))
            let full = min(maxDelaySeconds, baseDelaySeconds * Double.pow2(exponent))
            seconds = full * (1 - jitter) + Double.random(in: 0...1) * full * jitter
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

extension Double {
    /// 2 to the power `exponent`.
    static func pow2(_ exponent: Double) -> Double {
        Double(sign: .plus, exponent: Int(exponent), significand: 1)
    }
}
