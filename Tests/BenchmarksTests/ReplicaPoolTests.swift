import Foundation
import Hummingbird
import Synchronization
import Testing
@testable import Benchmarks

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let time = Mutex(Duration.zero)
    var now: Duration { time.withLock { $0 } }
    func advance(by duration: Duration) { time.withLock { $0 += duration } }
    var reading: @Sendable () -> Duration { { self.now } }
}

/// Calls a stand-in served, across its concurrent handlers.
final class CallCounter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    /// Counts one call and returns the count with it.
    func next() -> Int { count.withLock { $0 += 1; return $0 } }
}

@Suite("Replica pool")
struct ReplicaPoolTests {
    static let urls = ["http://a/v1", "http://b/v1"]

    @Test func leasesAlternateOverIdleReplicasAndRespectEachOnesPermits() async throws {
        let pool = ReplicaPool(baseURLs: Self.urls, permitsPerReplica: 2)
        var leases: [ReplicaPool.Lease] = []
        for _ in 0..<4 { leases.append(try await pool.acquire()) }
        #expect(leases.map(\.index) == [0, 1, 0, 1])
        #expect(await pool.inFlight == [2, 2])
        // Both full: the next request waits until a permit comes back, then gets that replica.
        let waiting = Task { try await pool.acquire() }
        while await pool.waiting < 1 { await Task.yield() }
        await pool.release(leases[1], .answered)
        let granted = try await waiting.value
        #expect(granted.index == 1 && granted.baseURL == "http://b/v1")
        #expect(await pool.inFlight == [2, 2])
        for lease in [leases[0], leases[2], leases[3], granted] { await pool.release(lease, .answered) }
        #expect(await pool.inFlight == [0, 0])
        #expect(await pool.served == [2, 3])
    }

    @Test func aFailedReplicaIsSkippedUntilItsBackOffThenProbedOnceAndHealed() async throws {
        let clock = ManualClock()
        let pool = ReplicaPool(baseURLs: Self.urls, permitsPerReplica: 4, now: clock.reading)
        let first = try await pool.acquire()
        #expect(first.index == 0)
        await pool.release(first, .failed)
        // For the next second everything goes to b, even past its fair share.
        var onB: [ReplicaPool.Lease] = []
        for _ in 0..<3 { onB.append(try await pool.acquire()) }
        #expect(onB.map(\.index) == [1, 1, 1])
        clock.advance(by: .milliseconds(999))
        onB.append(try await pool.acquire())
        #expect(onB.last?.index == 1)
        // Back-off over: a is idle (load 0), so it takes one probe; while it runs, b takes the rest.
        clock.advance(by: .milliseconds(1))
        let probe = try await pool.acquire()
        #expect(probe.index == 0 && probe.probe)
        for lease in onB { await pool.release(lease, .answered) }
        #expect(try await pool.acquire().index == 1)
        // The probe fails: 2 s this time.
        await pool.release(probe, .failed)
        #expect(await pool.health[0].state == .backingOff(until: .seconds(3), level: 1))
        clock.advance(by: .seconds(2))
        let second = try await pool.acquire()
        #expect(second.index == 0 && second.probe)
        await pool.release(second, .answered)
        #expect(await pool.health[0].isHealthy)
        // Healthy again: a takes its ordinary share (it is less loaded than b now).
        let next = try await pool.acquire()
        #expect(next.index == 0 && !next.probe)
    }

    @Test func withEveryReplicaDownHealthIsIgnoredAndTheFirstAnswerHealsOne() async throws {
        let clock = ManualClock()
        let pool = ReplicaPool(baseURLs: Self.urls, permitsPerReplica: 1, now: clock.reading)
        let a = try await pool.acquire()
        let b = try await pool.acquire()
        await pool.release(a, .failed)
        await pool.release(b, .failed)
        #expect(await pool.health.allSatisfy { !$0.isHealthy })
        // Nothing waits for a clock: both replicas take requests as a plain limiter would.
        let again = try await pool.acquire()
        let other = try await pool.acquire()
        #expect(Set([again.index, other.index]) == [0, 1] && again.probe && other.probe)
        await pool.release(other, .answered)
        await pool.release(again, .abandoned)
        let healed = other.index
        let health = await pool.health
        #expect(health[healed].isHealthy && !health[1 - healed].isHealthy)
        // One healthy again: the other is skipped until its back-off ends.
        #expect(try await pool.acquire().index == healed)
    }

    @Test func aCancelledWaiterLeavesTheQueueWithoutTakingAPermit() async throws {
        let pool = ReplicaPool(baseURLs: ["http://a/v1"], permitsPerReplica: 1)
        let held = try await pool.acquire()
        let cancelled = Task { try await pool.acquire() }
        while await pool.waiting < 1 { await Task.yield() }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        await pool.release(held, .answered)
        #expect(await pool.inFlight == [0])
        #expect(try await pool.acquire().index == 0)
    }

    static let answer = #"{"choices":[{"index":0,"text":"ok","finish_reason":"stop"}]}"#

    /// A replica answering 503 until `healthyAfter` calls, then answering; counts its calls.
    static func replica(_ router: Router<BasicRequestContext>, calls: CallCounter, healthyAfter: Int) {
        router.post("v1/completions") { _, _ in
            let call = calls.next()
            return call > healthyAfter ? StandInServer.json(answer) : StandInServer.json(#"{"error":"warming up"}"#, status: .serviceUnavailable)
        }
    }

    @Test func aReplicaAnswering503IsRoutedAroundThenTriedAgainAfterItsBackOff() async throws {
        let clock = ManualClock()
        let callsA = CallCounter()
        let callsB = CallCounter()
        try await StandInServer.with({ Self.replica($0, calls: callsA, healthyAfter: 1) }) { a in
            try await StandInServer.with({ Self.replica($0, calls: callsB, healthyAfter: 0) }) { b in
                let pool = ReplicaPool(baseURLs: [a + "/v1", b + "/v1"], permitsPerReplica: 4, now: clock.reading)
                let client = OpenAICompletionsClient(
                    endpoint: OpenAIEndpoint(
                        baseURL: a + "/v1", model: "m", retry: RetryPolicy(maxAttempts: 3, baseDelaySeconds: 0.001, maxDelaySeconds: 0.001)),
                    replicas: pool, logger: TestSupport.quietLogger)
                // The first call goes to a (503): no sample lost, the retry goes to b.
                #expect(try await client.complete(CompletionRequest(prompt: "P", seed: 0)).text == "ok")
                #expect(callsA.value == 1 && callsB.value == 1)
                for seed in 1...4 { _ = try await client.complete(CompletionRequest(prompt: "P", seed: UInt64(seed))) }
                #expect(callsA.value == 1 && callsB.value == 5)
                // After the back-off a is probed, answers, and takes its share again.
                clock.advance(by: .seconds(1))
                for seed in 5...8 { _ = try await client.complete(CompletionRequest(prompt: "P", seed: UInt64(seed))) }
                #expect(callsA.value == 3 && callsB.value == 7)
                #expect(await pool.health.allSatisfy(\.isHealthy))
            }
        }
    }

    @Test func aContextOverflow400ReachesTheCallerAndLeavesTheReplicaHealthy() async throws {
        let overflow = #"{"object":"error","message":"This model's maximum context length is 100 tokens.","code":400}"#
        try await StandInServer.with({ router in
            router.post("v1/completions") { _, _ in StandInServer.json(overflow, status: .badRequest) }
        }) { a in
            let pool = ReplicaPool(baseURLs: [a + "/v1", a + "/v1/"], permitsPerReplica: 1)
            let client = OpenAICompletionsClient(
                endpoint: OpenAIEndpoint(baseURL: a + "/v1", model: "m"), replicas: pool, logger: TestSupport.quietLogger)
            await #expect(throws: HTTPCallError.status(code: 400, body: overflow)) {
                try await client.complete(CompletionRequest(prompt: "P", seed: 0))
            }
            #expect(await pool.health.allSatisfy(\.isHealthy))
            #expect(await pool.served == [1, 0])
        }
    }

    /// Routes of a server whose `/v1/models` reports `length`.
    static func models(_ length: Int) -> @Sendable (Router<BasicRequestContext>) -> Void {
        { router in
            router.get("v1/models") { _, _ in
                StandInServer.json(#"{"object":"list","data":[{"id":"m","max_model_len":\#(length)}]}"#)
            }
        }
    }

    @Test func theContextLengthOfReplicasIsTheSmallestOneReported() async throws {
        let down = "http://127.0.0.1:\(try StandInServer.closedPort())/v1"
        let length = try await StandInServer.with(Self.models(32768)) { a in
            try await StandInServer.with(Self.models(8192)) { b in
                await ModelContext.fetch(OpenAIEndpoint(baseURL: a + "/v1", model: "m", otherReplicas: [down, b + "/v1"]))
            }
        }
        #expect(length == 8192)
    }

    @Test func aKeyEchoedByTheServerNeverReachesTheError() async throws {
        let key = "sk-echo-4f9d2c"
        let error = try await StandInServer.with({ router in
            router.post("v1/completions") { request, _ in
                StandInServer.json(#"{"error":"bad request from \#(request.headers[.authorization] ?? "")"}"#, status: .badRequest)
            }
        }) { base in
            let client = OpenAICompletionsClient(
                endpoint: OpenAIEndpoint(baseURL: base + "/v1", model: "m", apiKey: key), logger: TestSupport.quietLogger)
            do {
                _ = try await client.complete(CompletionRequest(prompt: "P", seed: 0))
                return HTTPCallError.invalidResponse("no error")
            } catch let error as HTTPCallError {
                return error
            }
        }
        #expect(error.statusCode == 400)
        #expect(!error.description.contains(key) && error.description.contains("Bearer [redacted]"), "\(error)")
    }
}

extension ReplicaPoolTests {
    @Test func aReplicaRefusingConnectionsFailsOverToTheOtherAndIsMarked() async throws {
        let down = "http://127.0.0.1:\(try StandInServer.closedPort())/v1"
        let calls = CallCounter()
        try await StandInServer.with({ Self.replica($0, calls: calls, healthyAfter: 0) }) { up in
            let pool = ReplicaPool(baseURLs: [down, up + "/v1"], permitsPerReplica: 2)
            let client = OpenAICompletionsClient(
                endpoint: OpenAIEndpoint(
                    baseURL: down, model: "m", retry: RetryPolicy(maxAttempts: 2, baseDelaySeconds: 0.001, maxDelaySeconds: 0.001),
                    otherReplicas: [up + "/v1"]),
                replicas: pool, logger: TestSupport.quietLogger)
            let completion = try await client.complete(CompletionRequest(prompt: "P", seed: 0))
            #expect(completion.text == "ok" && calls.value == 1)
            let health = await pool.health
            #expect(!health[0].isHealthy && health[1].isHealthy)
            #expect(await pool.served == [1, 1])
        }
    }
}
