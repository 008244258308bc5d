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
        #expect(await first.next(timeout: .seconds(1)) == .events((Int64(2)...5).map(event)))
        #expect(await second.next(timeout: .seconds(1)) == .events((Int64(2)...5).map(event)))
        #expect(await other.next(timeout: .milliseconds(50)) == .timedOut)
        hub.close(.trainingJob(1))
        #expect(await first.next(timeout: .seconds(1)) == .closed)
    }

    @Test func aWaitingSubscriberIsWokenByThePublisher() async {
        let hub = EventHub()
        let subscription = hub.subscribe(.evaluation(7))
        let publisher = Task {
            try? await Task.sleep(for: .milliseconds(50))
            hub.publish(event(1), on: .evaluation(7))
        }
        #expect(await subscription.next(timeout: .seconds(30)) == .events([event(1)]))
        await publisher.value
    }

    @Test func aSlowSubscriberIsToldItLaggedAndMemoryStaysBounded() async {
        let hub = EventHub(bufferLimit: 10)
        let slow = hub.subscribe(.trainingJob(2))
        let fast = hub.subscribe(.trainingJob(2))
        var received: [StreamEvent] = []
        for seq in 1...1000 {
            hub.publish(event(Int64(seq)), on: .trainingJob(2))
            if case .events(let events) = await fast.next(timeout: .seconds(1)) { received += events }
        }
        #expect(received.count == 1000)
        #expect(await slow.next(timeout: .seconds(1)) == .lagged)
        // After the lag it follows live again (the store covers the gap).
        hub.publish(event(1001), on: .trainingJob(2))
        #expect(await slow.next(timeout: .seconds(1)) == .events([event(1001)]))
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
        let waiter = Task { await subscription.next(timeout: .seconds(300)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        #expect(await waiter.value == .closed)
    }
}
