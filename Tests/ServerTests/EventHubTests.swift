import Foundation
import Testing

@testable import ServerCore

@Suite("Event hub")
struct EventHubTests {
    private func event(_ seq: Int64) -> StreamEvent { StreamEvent(seq: seq, name: "log", data: "{}") }

    @Test func subscribersGetWhatIsPublishedAfterThemInOrder() async {
        let hub = EventHub(bufferLimit: 100)
        hub.publish(event(1), on: .trainingJob(1))  // nobody listens yet: dropped
        let first = hub.subscribe(.trainingJob(1))
        let second = hub.subscribe(.trainingJob(1))
        let other = hub.subscribe(.evaluation(1))
        for seq in Int64(2)...5 { hub.publish(event(seq), on: .trainingJob(1)) }
        #expect(await first.next() == .events((Int64(2)...5).map(event)))
        #expect(await second.next() == .events((Int64(2)...5).map(event)))
        #expect(other.poll() == nil)
        hub.close(.trainingJob(1))
        #expect(await first.next() == .closed)
    }

    @Test func aWaitingSubscriberIsWokenByThePublisher() async {
        let hub = EventHub()
        let subscription = hub.subscribe(.evaluation(7))
        let publisher = Task {
            try? await Task.sleep(for: .milliseconds(50))
            hub.publish(event(1), on: .evaluation(7))
        }
        #expect(await subscription.next() == .events([event(1)]))
        await publisher.value
    }

    @Test func aSlowSubscriberIsToldItLaggedAndMemoryStaysBounded() async {
        let hub = EventHub(bufferLimit: 10)
        let slow = hub.subscribe(.trainingJob(2))
        let fast = hub.subscribe(.trainingJob(2))
        var received: [StreamEvent] = []
        for seq in 1...1000 {
            hub.publish(event(Int64(seq)), on: .trainingJob(2))
            if case .events(let events) = await fast.next() { received += events }
        }
        #expect(received.count == 1000)
        #expect(await slow.next() == .lagged)
        // After the lag it follows live again (the store covers the gap).
        hub.publish(event(1001), on: .trainingJob(2))
        #expect(await slow.next() == .events([event(1001)]))
    }

    @Test func releasedSubscriptionsLeaveNothingBehind() async {
        let hub = EventHub()
        do {
            let a = hub.subscribe(.evaluation(3))
            let b = hub.subscribe(.evaluation(4))
            #expect(hub.totalSubscribers == 2)
            _ = (a, b)
        }
        #expect(hub.totalSubscribers == 0)
    }

    @Test func cancellingAWaitingSubscriberReturnsPromptly() async {
        let hub = EventHub()
        let subscription = hub.subscribe(.evaluation(5))
        let waiter = Task { await subscription.next() }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        #expect(await waiter.value == .closed)
    }

    @Test func aHeartbeatWakesOnlyWaitingSubscribersAndCarriesNoEvent() async {
        let hub = EventHub()
        let waiting = hub.subscribe(.trainingJob(9))
        let busy = hub.subscribe(.trainingJob(9))
        let waiter = Task { await waiting.next() }
        while hub.waitingCount(.trainingJob(9)) == 0 { await Task.yield() }
        hub.heartbeat()
        #expect(await waiter.value == .timedOut)
        // The subscriber that was not waiting is not owed a keep-alive: it gets the next event, not a tick.
        hub.publish(event(1), on: .trainingJob(9))
        #expect(await busy.next() == .events([event(1)]))
        #expect(await waiting.next() == .events([event(1)]))
    }

    @Test func aHeartbeatServiceEndsQuietlyWhenCancelled() async throws {
        let heartbeat = EventHubHeartbeat(hub: EventHub(), interval: .milliseconds(10))
        let running = Task { try await heartbeat.run() }
        try await Task.sleep(for: .milliseconds(50))
        running.cancel()
        try await running.value
    }
}
