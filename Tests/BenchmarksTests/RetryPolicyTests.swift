import AsyncHTTPClient
import Testing
@testable import Benchmarks

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test func retryPolicyDelays() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelaySeconds: 0.5, maxDelaySeconds: 8, jitter: 0.5)
        for failures in 1...8 {
            let full = min(8, 0.5 * Double(1 << (failures - 1)))
            let delay = policy.delay(afterFailures: failures)
            #expect(delay >= .milliseconds(Int64(full * 500)) && delay <= .milliseconds(Int64(full * 1000)))
        }
        #expect(policy.delay(afterFailures: 1, retryAfter: 3) == .seconds(3))
        #expect(policy.delay(afterFailures: 1, retryAfter: 120) == .seconds(8))
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }

    @Test func retryableErrors() {
        #expect(HTTPCallError.status(code: 429, body: "").isRetryable)
        #expect(HTTPCallError.status(code: 503, body: "").isRetryable)
        #expect(HTTPCallError.status(code: 408, body: "").isRetryable)
        #expect(!HTTPCallError.status(code: 400, body: "").isRetryable)
        #expect(!HTTPCallError.status(code: 404, body: "").isRetryable)
        #expect(HTTPCallError.transport("reset").isRetryable && HTTPCallError.timedOut(seconds: 1).isRetryable)
        #expect(!HTTPCallError.cancelled.isRetryable && !HTTPCallError.invalidURL("x").isRetryable)
    }

    @Test func defaultClientHasNoReadTimeoutAndManyConnections() {
        let configuration = RetryingHTTPClient.defaultConfiguration
        #expect(configuration.timeout.read == nil)
        #expect(configuration.timeout.connect == .seconds(10))
        #expect(configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit == 512)
        #expect(RetryingHTTPClient().client === RetryingHTTPClient.defaultClient)
    }

    @Test func invalidURLFailsBeforeAnyRequest() async {
        await #expect(throws: HTTPCallError.invalidURL("ftp://x")) {
            try await RetryingHTTPClient().postJSON(to: "ftp://x", body: .init())
        }
    }
}
