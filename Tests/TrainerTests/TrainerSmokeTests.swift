import Testing
@testable import Trainer

@Test func moduleLoads() {
    #expect(Bool(true))
}
