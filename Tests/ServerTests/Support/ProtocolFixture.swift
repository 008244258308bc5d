import Foundation

@testable import Server
@testable import ServerCore

/// The fixture's gsm8k set under a vLLM-like endpoint: two samples overflow
/// the context (errors), one is cut by the token limit and continued.
///
/// Item a: repeats 0-3 right, 4 overflows; item b: 0 cut then right, 1 and
/// 3 right, 2 and 4 wrong; item c: 2 overflows, the others wrong.
/// Pass@1 = (4/5 + 3/5 + 0/5) / 3, Pass@5 = (1 + 1 + 0) / 3, 2 errors.
enum ProtocolFixture {
    static let expectedPassAt1 = (0.8 + 0.6 + 0.0) / 3
    static let expectedPassAt5 = 2.0 / 3
    static let expectedErrors = 2

    static func seed(_ item: String, _ index: Int, evaluationSeed: Int = 0) -> UInt64 {
        SampleSeed.make(evaluationSeed: evaluationSeed, benchmark: "gsm8k", item: item, repeat: index)
    }

    static func behaviours() -> [UInt64: VLLMStandIn.Behaviour] {
        var script: [UInt64: VLLMStandIn.Behaviour] = [:]
        for index in 0..<5 {
            script[seed("a", index)] = index == 4 ? .overflow : .answer("5")
            script[seed("b", index)] = index == 0 ? .cut("6") : ([1, 3].contains(index) ? .answer("6") : .answer("106"))
            script[seed("c", index)] = index == 2 ? .overflow : .answer("109")
        }
        return script
    }

    /// The same samples once the endpoint no longer overflows.
    static func healed() -> [UInt64: VLLMStandIn.Behaviour] {
        behaviours().mapValues { $0 == .overflow ? .answer("1") : $0 }
    }
}
