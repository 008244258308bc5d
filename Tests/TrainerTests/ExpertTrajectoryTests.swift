import Benchmarks
import Foundation
import Testing
@testable import Trainer

@Suite("Expert trajectories")
struct ExpertTrajectoryTests {
    let config = SynthSuiteConfig(dataSeed: 3, trainItems: 300, testItems: 40)

    @Test("arith: the exact protocol text, loss only on model-written spans")
    func arithText() async throws {
        let suite = try SynthSuite(task: .arith, config: config)
        let example = suite.test[0]
        let expression = try #require(example.item.metadata["expression"].flatMap { value -> String? in
            if case .string(let text) = value { return text } else { return nil }
        })
        let answer = example.solution.answer
        let expert = try await ExpertTrajectory.build(example, suite: suite)
        #expect(expert.prompt == "What is \(expression)?\n")
        #expect(expert.trajectory == """
            <think>\(ArithTask.think)</think>
            <python>print(\(expression))</python>
            <result>
            \(answer)
            </result>
            <answer>\\boxed{\(answer)}</answer>
            """)
        #expect(expert.segments.map(\.isModelOutput) == [false, true, false, true])
        #expect(expert.segments[2].text == "\n<result>\n\(answer)\n</result>\n")
        #expect(expert.segments.map(\.text).joined() == expert.prompt + expert.trajectory)
    }

    @Test("hop: one search per hop, results as the loop formats them", arguments: [0, 1, 2, 3, 4, 10, 11, 12])
    func hopText(index: Int) async throws {
        let suite = try SynthSuite(task: .hop, config: config)
        let example = suite.test[index]
        let expert = try await ExpertTrajectory.build(example, suite: suite)
        let calls = example.solution.calls
        #expect(expert.trajectory.components(separatedBy: "<search>").count - 1 == calls.count)
        #expect(expert.trajectory.hasSuffix("<answer>\\boxed{\(example.solution.answer)}</answer>"))
        let results = expert.segments.filter { !$0.isModelOutput }.dropFirst()
        #expect(results.count == calls.count)
        for (result, call) in zip(results, calls) {
            #expect(result.text.hasPrefix("\n<result>\nDoc 1 \(call.expected)\nDoc 2 "))
            #expect(result.text.hasSuffix("\n</result>\n"))
        }
    }

    @Test("sequences: BOS + text + EOS, targets trained exactly on model tokens")
    func sequenceMask() async throws {
        let suite = try SynthSuite(task: .arith, config: config)
        let tokenizer = try ByteTokenizer()
        let expert = try await ExpertTrajectory.build(suite.train[0], suite: suite)
        let sequence = SFTSequence(segments: expert.segments, tokenizer: tokenizer)
        #expect(sequence.tokens == [SpecialToken.bos.id] + tokenizer.encode(expert.prompt + expert.trajectory) + [SpecialToken.eos.id])
        let trainedTargets = zip(sequence.tokens.dropFirst(), sequence.trained).filter(\.1).map(\.0)
        let modelText = expert.segments.filter(\.isModelOutput).map(\.text).joined()
        #expect(trainedTargets == tokenizer.encode(modelText) + [SpecialToken.eos.id])
        #expect(!trainedTargets.contains(SpecialToken.resultOpen.id))
        #expect(trainedTargets.contains(SpecialToken.pythonClose.id))
    }

    @Test("the sandboxed python prints what the expert expects", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/bwrap")))
    func realPython() async throws {
        let suite = try SynthSuite(task: .arith, config: config)
        let python = BubblewrapPython()
        for example in suite.test.prefix(3) {
            let call = try #require(example.solution.calls.first)
            let result = try await python.run(call.input)
            #expect(result.output == call.expected)
        }
    }
}
