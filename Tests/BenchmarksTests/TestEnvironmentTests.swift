import Foundation
import Testing

@testable import Benchmarks

/// Some suites run only where their tools exist. Under the README's test
/// command (`scripts/test`, which sets AEPO_REQUIRE_TOOLS=1) those tools are
/// installed, so a missing one is a failure here, never a silent skip.
@Suite("Test environment")
struct TestEnvironmentTests {
    static let required = ProcessInfo.processInfo.environment["AEPO_REQUIRE_TOOLS"] == "1"

    @Test(.enabled(if: required)) func pythonWithMathVerifyIsThere() {
        #expect(TestSupport.pythonAvailable, "no Python at \(TestSupport.python.path): run scripts/setup")
    }

    @Test(.enabled(if: required)) func bubblewrapIsThere() {
        #expect(BubblewrapPython.Configuration.onPath("bwrap") != nil, "bwrap missing: run scripts/setup")
    }
}
