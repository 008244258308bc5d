@testable import Benchmarks

/// A `CompletionModel` that plays a script of replies, one per call, and
/// records the requests it was sent.
actor ScriptedModel: CompletionModel {
    /// One scripted call.
    enum Step: Sendable {
        /// Return this completion.
        case reply(Completion)
        /// Throw this error.
        case fail(any Error)
        /// Sleep (cancellably) for this long, then reply with empty text.
        case hang(Duration)
    }

    struct ScriptExhausted: Error {}

    private var steps: [Step]
    private(set) var requests: [CompletionRequest] = []

    init(_ steps: [Step]) {
        self.steps = steps
    }

    /// A reply whose stop string the server reported (vLLM style: the tag
    /// is not in the text).
    static func stopped(_ text: String, at tag: AgentTag) -> Step {
        .reply(Completion(text: text, matchedStop: tag.closing, finishReason: .stop))
    }

    /// A reply that ended without a reported stop string.
    static func ended(_ text: String, finish: Completion.FinishReason = .stop) -> Step {
        .reply(Completion(text: text, matchedStop: nil, finishReason: finish))
    }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        requests.append(request)
        guard !steps.isEmpty else { throw ScriptExhausted() }
        switch steps.removeFirst() {
        case .reply(let completion):
            return completion
        case .fail(let error):
            throw error
        case .hang(let duration):
            try await Task.sleep(for: duration)
            return Completion(text: "")
        }
    }
}

/// A model that searches for the same thing forever.
struct SearchingForeverModel: CompletionModel {
    func complete(_ request: CompletionRequest) async throws -> Completion {
        Completion(text: "<search>q\(request.seed)", matchedStop: "</search>", finishReason: .stop)
    }
}
