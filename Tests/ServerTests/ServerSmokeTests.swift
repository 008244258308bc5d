import Testing
@testable import Server

@Test func moduleLoads() {
    #expect(Bool(true))
}
