import Benchmarks
import Synchronization

@testable import Trainer

/// A stand-in for a built-in checkpoint that has learned the synthetic
/// suites perfectly: it plays the expert solution of the question its
/// prompt starts with (`ExpertReplayModel`), but only when the prompt is
/// `SynthAgent`'s (plain template, no system prompt); any other prompt gets
/// a wrong answer. It records every prompt it is sent.
final class SuiteExpertModel: CompletionModel {
    private let solutions: [String: ExpertSolution]
    private let prompts = Mutex<[String]>([])

    /// - Parameter suites: the suites whose test items it knows.
    init(suites: [SynthSuite]) {
        var solutions: [String: ExpertSolution] = [:]
        for suite in suites {
            for example in suite.test { solutions[example.item.question] = example.solution }
        }
        self.solutions = solutions
    }

    /// Every prompt sent so far.
    var receivedPrompts: [String] { prompts.withLock { $0 } }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        prompts.withLock { $0.append(request.prompt) }
        let question = request.turns?.user ?? ""
        guard let solution = solutions[question], request.prompt.hasPrefix(SynthAgent.prompt(question: question)) else {
            return Completion(text: "<answer>\\boxed{not the built-in prompt}", matchedStop: "</answer>", finishReason: .stop)
        }
        return try await ExpertReplayModel(solution: solution).complete(request)
    }
}
