import Foundation
import Testing
@testable import Benchmarks

@Suite("Replica choice and health (pure)")
struct ReplicaChoiceTests {
    typealias Candidate = ReplicaChoice.Candidate

    @Test func theLeastLoadedReplicaRelativeToItsPermitsWins() {
        // 3/4 = 0.75, 1/2 = 0.5, 5/8 = 0.625: the second.
        let candidates = [Candidate(inFlight: 3, permits: 4), Candidate(inFlight: 1, permits: 2), Candidate(inFlight: 5, permits: 8)]
        #expect(ReplicaChoice.choose(candidates, cursor: 0) == 1)
        // 1/2 against 2/4: equal, so the cursor decides.
        let tied = [Candidate(inFlight: 1, permits: 2), Candidate(inFlight: 2, permits: 4)]
        #expect(ReplicaChoice.choose(tied, cursor: 0) == 0)
        #expect(ReplicaChoice.choose(tied, cursor: 1) == 1)
    }

    @Test func tiesGoRoundRobinFromTheCursor() {
        let idle = Array(repeating: Candidate(inFlight: 0, permits: 64), count: 3)
        #expect(ReplicaChoice.choose(idle, cursor: 0) == 0)
        #expect(ReplicaChoice.choose(idle, cursor: 1) == 1)
        #expect(ReplicaChoice.choose(idle, cursor: 2) == 2)
        #expect(ReplicaChoice.choose(idle, cursor: 3) == 0)
        // Replicas 1 and 2 tie at 1/64 below replica 0's 2/64; from cursor 2, replica 2 comes first.
        let loaded = [Candidate(inFlight: 2, permits: 64), Candidate(inFlight: 1, permits: 64), Candidate(inFlight: 1, permits: 64)]
        #expect(ReplicaChoice.choose(loaded, cursor: 2) == 2)
        #expect(ReplicaChoice.choose(loaded, cursor: 0) == 1)
    }

    @Test func fullAndClosedReplicasAreSkippedAndAProbeTakesOneRequest() {
        let full = [Candidate(inFlight: 2, permits: 2), Candidate(inFlight: 5, permits: 8)]
        #expect(ReplicaChoice.choose(full, cursor: 0) == 1)
        #expect(ReplicaChoice.choose([Candidate(inFlight: 2, permits: 2)], cursor: 0) == nil)
        // A closed replica is never chosen, however idle.
        let closed = [Candidate(inFlight: 0, permits: 8, availability: .closed), Candidate(inFlight: 7, permits: 8)]
        #expect(ReplicaChoice.choose(closed, cursor: 0) == 1)
        // A probe-able replica takes one request (idle: load 0 wins), not two.
        let probing = [Candidate(inFlight: 0, permits: 8, availability: .probe), Candidate(inFlight: 4, permits: 8)]
        #expect(ReplicaChoice.choose(probing, cursor: 1) == 0)
        let probed = [Candidate(inFlight: 1, permits: 8, availability: .probe), Candidate(inFlight: 8, permits: 8)]
        #expect(ReplicaChoice.choose(probed, cursor: 0) == nil)
        #expect(ReplicaChoice.choose([], cursor: 0) == nil)
    }

    @Test func theBackOffDoublesFromOneSecondToThirty() {
        let backoff = ReplicaHealth.Backoff()
        #expect((0...7).map { backoff.delay(level: $0) } == [1, 2, 4, 8, 16, 30, 30, 30].map { Duration.seconds($0) })
        let short = ReplicaHealth.Backoff(base: .milliseconds(100), max: .milliseconds(250))
        #expect((0...3).map { short.delay(level: $0) } == [100, 200, 250, 250].map { Duration.milliseconds($0) })
    }

    @Test func aFailureClosesTheReplicaUntilTheBackOffThenOneProbeDecides() {
        let backoff = ReplicaHealth.Backoff()
        var health = ReplicaHealth()
        #expect(health.availability(at: .seconds(5), inFlight: 3) == .open)
        health.recordFailure(probe: false, at: .seconds(10), backoff: backoff)
        #expect(health.state == .backingOff(until: .seconds(11), level: 0))
        // The other requests that were in flight fail too: the back-off does not grow.
        health.recordFailure(probe: false, at: .milliseconds(10_500), backoff: backoff)
        #expect(health.state == .backingOff(until: .seconds(11), level: 0))
        #expect(health.availability(at: .milliseconds(10_999), inFlight: 0) == .closed)
        #expect(health.availability(at: .seconds(11), inFlight: 0) == .probe)
        #expect(health.availability(at: .seconds(11), inFlight: 1) == .closed)
        // The probe fails at 11.2 s: 2 s more.
        health.recordFailure(probe: true, at: .milliseconds(11_200), backoff: backoff)
        #expect(health.state == .backingOff(until: .milliseconds(13_200), level: 1))
        // An answer that is not a probe's does not heal it; the probe's does.
        health.recordSuccess(probe: false)
        #expect(!health.isHealthy)
        health.recordSuccess(probe: true)
        #expect(health.state == .healthy)
        // Healthy again, the next failure starts over at 1 s.
        health.recordFailure(probe: false, at: .seconds(20), backoff: backoff)
        #expect(health.state == .backingOff(until: .seconds(21), level: 0))
    }

    @Test func onlyTransportFailuresTimeouts5xxAnd429CountAgainstAReplica() {
        func outcome(_ error: HTTPCallError) -> ReplicaPool.Outcome { RetryingHTTPClient.replicaOutcome(of: .failure(error)) }
        #expect(RetryingHTTPClient.replicaOutcome(of: .success(Data())) == .answered)
        #expect(outcome(.transport("connection refused")) == .failed)
        #expect(outcome(.timedOut(seconds: 600)) == .failed)
        #expect(outcome(.status(code: 503, body: "")) == .failed)
        #expect(outcome(.status(code: 500, body: "")) == .failed)
        #expect(outcome(.status(code: 429, body: "")) == .failed)
        // vLLM's context overflow is the model's answer, as is a refused key.
        #expect(outcome(.status(code: 400, body: "maximum context length")) == .answered)
        #expect(outcome(.status(code: 401, body: "")) == .answered)
        #expect(outcome(.status(code: 404, body: "")) == .answered)
        #expect(outcome(.cancelled) == .abandoned)
    }
}
