import Benchmarks

/// An expert's full text for one item, split into what the model writes and
/// what it is given. Built by running the real `AgentLoop` with a model that
/// replays the expert solution (`ExpertReplayModel`) and the suite's tools
/// (the knowledge-base search; python answered with the known printed value),
/// so the prompt, tool results and their `<result>` framing are exactly
/// what the loop produces at evaluation time.
public struct ExpertTrajectory: Sendable, Hashable {
    /// The prompt (template rendered with the built-in system prompt).
    public let prompt: String
    /// The loop's trajectory (everything after the prompt).
    public let trajectory: String
    /// `prompt + trajectory` cut into model-written and given pieces.
    public let segments: [TextSegment]

    /// Why an expert trajectory could not be built.
    public enum BuildError: Error, Sendable, CustomStringConvertible {
        /// The loop failed or did not end with the expert's answer.
        case loop(String)

        public var description: String {
            switch self {
            case .loop(let message): "expert trajectory: \(message)"
            }
        }
    }

    /// Runs the expert through the agent loop.
    /// - Parameters:
    ///   - example: the item and its solution.
    ///   - suite: the suite (its tools and template).
    /// - Throws: `BuildError` when the loop's answer is not the expert's
    ///   (e.g. a search did not find the needed fact).
    public static func build(_ example: SynthExample, suite: SynthSuite) async throws(BuildError) -> ExpertTrajectory {
        let replay = ExpertReplayModel(solution: example.solution)
        let python = KnownOutputPython(solution: example.solution)
        let loop = suite.agentLoop(model: replay, python: python)
        let run: AgentRun
        do { run = try await loop.runSynth(item: example.item, seed: 0) } catch {
            throw .loop("item \(example.item.id): \(error)")
        }
        guard run.finishReason == .answered, run.prediction == example.solution.answer else {
            throw .loop("item \(example.item.id) ended \(run.finishReason) with \(run.prediction ?? "no answer")")
        }
        for (call, expected) in zip(example.solution.calls, run.trajectory.components(separatedBy: "<result>").dropFirst())
        where !expected.contains(call.expected.trailingNewlineRemoved) {
            throw .loop("item \(example.item.id): the result of \(call.input) lacks \"\(call.expected)\"")
        }
        let prompt = SynthAgent.prompt(question: example.item.question)
        var segments = [TextSegment(prompt, isModelOutput: false)]
        var rest = Substring(run.trajectory)
        for piece in replay.pieces {
            guard let range = rest.range(of: piece) else {
                throw .loop("item \(example.item.id): the trajectory lacks the expert's \"\(piece)\"")
            }
            if range.lowerBound > rest.startIndex {
                segments.append(TextSegment(String(rest[..<range.lowerBound]), isModelOutput: false))
            }
            segments.append(TextSegment(piece, isModelOutput: true))
            rest = rest[range.upperBound...]
        }
        if !rest.isEmpty { segments.append(TextSegment(String(rest), isModelOutput: false)) }
        return ExpertTrajectory(prompt: prompt, trajectory: run.trajectory, segments: segments)
    }

    /// Builds every example's trajectory (in order).
    public static func buildAll(_ examples: [SynthExample], suite: SynthSuite) async throws(BuildError) -> [ExpertTrajectory] {
        var result: [ExpertTrajectory] = []
        result.reserveCapacity(examples.count)
        for example in examples { result.append(try await build(example, suite: suite)) }
        return result
    }
}

extension String {
    /// The text without one trailing newline.
    var trailingNewlineRemoved: String {
        hasSuffix("\n") ? String(dropLast()) : self
    }
}
