import Testing
@testable import Benchmarks

@Test func moduleLoads() {
    #expect(Bool(true))
}
