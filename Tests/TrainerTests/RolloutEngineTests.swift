import Benchmarks
import Foundation
import Testing

@testable import Trainer

/// A batch model that calls python `toolCalls` times, then answers; the
/// first segment's entropy is `rootEntropy`, a segment after a tool result
/// has `afterTool(seed)`. Every completion reports its statistics, as the
/// built-in engine does.
private struct ScriptedAgentModel: BatchCompletionModel {
    var toolCalls = 2
    var rootEntropy = 0.3
    var afterTool: @Sendable (UInt64) -> Double = { _ in 0.3 }

    func completeAll(_ requests: [CompletionRequest]) throws -> [Completion] {
        requests.map { request in
            let results = request.prompt.components(separatedBy: "<result>").count - 1
            let entropy = results == 0 ? rootEntropy : afterTool(request.seed)
            let text: String, stop: String
            if results < toolCalls {
                (text, stop) = ("<think>compute</think>\n<python>print(\(results) + \(request.seed % 7))", "</python>")
            } else {
                (text, stop) = ("<answer>\\boxed{\(request.seed % 3)}", "</answer>")
            }
            let statistics = TokenStatistics(
                tokenIDs: Array(repeating: 65, count: 30), logProbs: Array(repeating: -0.5, count: 30),
                entropies: Array(repeating: entropy, count: 30))
            return Completion(text: text, matchedStop: stop, finishReason: .stop, statistics: statistics)
        }
    }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        try completeAll([request])[0]
    }
}

private struct EchoPython: PythonRunner {
    func run(_ code: String) async throws -> PythonResult {
        PythonResult(output: "\(code.count)", exitStatus: 0)
    }
}

@Suite("Rollout engine")
struct RolloutEngineTests {
    private func engine(
        _ model: ScriptedAgentModel, mode: PolicyAlgorithm.RolloutMode, configure: (inout RolloutConfig) -> Void = { _ in }
    ) -> RolloutEngine {
        var config = RolloutConfig()
        configure(&config)
        let loop = AgentLoop(model: model, tools: ToolBox(python: EchoPython()), template: SynthAgent.template)
        return RolloutEngine(model: model, loop: loop, config: config, mode: mode)
    }

    private let questions = ["What is 1 + 1?", "What is 2 * 3?", "What is 7 - 4?"]

    @Test("group sampling: k global rollouts per prompt, each finished, in index order")
    func groupSampling() async throws {
        let batch = try await engine(ScriptedAgentModel(), mode: .group).rollout(questions: questions, seed: 1)
        #expect(batch.rollouts.count == 3 * 8)
        for g in 0..<3 {
            let group = batch.rollouts.filter { $0.group == g }
            #expect(group.map(\.index) == Array(0..<8))
            #expect(group.allSatisfy { $0.origin == .global && $0.path.finishReason == .answered })
            #expect(group.allSatisfy { $0.path.pythonCalls == 2 && $0.question == questions[g] })
            #expect(batch.groups[g].globalSamples == 8 && batch.groups[g].branchSamples == 0)
        }
    }

    @Test("ARPO: m global samples, branches share their parent's prefix, never more than k")
    func arpoBranching() async throws {
        // dH = 0.9 - 0.3 = 0.6 after each tool result with an even seed: P = alpha + 0.2 * 0.6.
        let model = ScriptedAgentModel(afterTool: { $0 % 2 == 0 ? 0.9 : 0.3 })
        let batch = try await engine(model, mode: .entropyBranching) { $0.branchThreshold = 0.3 }
            .rollout(questions: questions, seed: 4)
        #expect(batch.rollouts.count == 24)
        var branches = 0
        for rollout in batch.rollouts {
            guard case .branch(let parent, let segments) = rollout.origin else { continue }
            branches += 1
            let parentPath = try #require(batch.rollouts.first { $0.group == rollout.group && $0.index == parent }).path
            #expect(Array(rollout.path.segments.prefix(segments)) == Array(parentPath.segments.prefix(segments)))
            #expect(rollout.path.segments[segments - 1].source == .tool)
        }
        #expect(branches > 0)
        for (g, statistics) in batch.groups.enumerated() {
            #expect(statistics.globalBudget == 4)
            #expect(statistics.globalSamples + statistics.branchSamples == 8)
            #expect(statistics.branchSamples <= 8 - 4)
            #expect(batch.rollouts.count { $0.group == g } == 8)
        }
    }

    @Test("AEPO: pre-monitoring sets the global budget; the consecutive-branch penalty blocks branches")
    func aepoBudgetAndPenalty() async throws {
        // H_root 0.8, H_tool 0.2: m = floor(8 * sigmoid(0.5 * 0.6)) + 1 = floor(4.596) + 1.
        let model = ScriptedAgentModel(rootEntropy: 0.8, afterTool: { _ in 0.2 })
        let expectedBudget = EntropyBranching.globalSamples(groupSize: 8, rootEntropy: 0.8, toolEntropy: 0.2, beta: 0.5)
        #expect(expectedBudget == 5)
        let batch = try await engine(model, mode: .entropyBalanced) {
            $0.branchThreshold = 0.0
        }.rollout(questions: questions, seed: 2)
        for statistics in batch.groups {
            #expect(statistics.globalBudget == expectedBudget)
            #expect(abs(statistics.rootEntropy - 0.8) < 1e-12 && abs(statistics.toolEntropy - 0.2) < 1e-12)
            #expect(statistics.globalSamples + statistics.branchSamples == 8)
        }
        // With gamma large and a steep penalty, the first decision of a round branches and the next round's do not.
        let steep = ScriptedAgentModel(toolCalls: 3, rootEntropy: 0.1, afterTool: { _ in 0.9 })
        let penalised = try await engine(steep, mode: .entropyBalanced) {
            $0.entropyWeight = 10
            $0.penaltySlope = 0.8
            $0.groupSize = 16
        }.rollout(questions: questions, seed: 3)
        #expect(penalised.groups.allSatisfy { $0.penaltyHits > 0 })
        #expect(penalised.groups.allSatisfy { $0.branchSamples > 0 })
    }

    @Test("a rollout sample gets the loop's wall-clock budget from its own start")
    func samplesTimeOut() async throws {
        let model = ScriptedAgentModel()
        let loop = AgentLoop(
            model: model, tools: ToolBox(python: EchoPython()), limits: AgentLimits(sampleTimeoutSeconds: 0),
            template: SynthAgent.template)
        let batch = try await RolloutEngine(model: model, loop: loop, config: RolloutConfig(), mode: .group)
            .rollout(questions: questions, seed: 1)
        #expect(batch.rollouts.count == 24)
        #expect(batch.rollouts.allSatisfy { $0.path.finishReason == .timeout && $0.path.modelCalls == 0 })
    }

    @Test("lockstep rollouts sample exactly what the served engine samples for the same requests")
    func lockstepMatchesTheInferenceEngine() async throws {
        let config = GPTConfig(vocabSize: 512, contextLength: 96, layerCount: 1, headCount: 2, modelDimension: 16)
        let tokenizer = try ByteTokenizer(vocabSize: 512)
        let lockstep = LockstepModel(model: try GPT(config: config, seed: 8), tokenizer: tokenizer)
        let served = BuiltinModel(
            engine: InferenceEngine(model: try GPT(config: config, seed: 8), tokenizer: tokenizer),
            metadata: CheckpointMetadata(algorithm: "sft", task: "synth-arith", step: 0, seed: 8))
        defer { served.engine.shutdown() }
        var sampling = SamplingParameters(temperature: 1, topP: 1, topK: -1, repetitionPenalty: 1)
        sampling.maxTokens = 20
        let requests = (0..<6).map { i in
            CompletionRequest(prompt: "What is \(i) + \(i)?\n", stop: AgentTag.stopStrings, sampling: sampling, seed: UInt64(40 + i))
        }
        let batched = try lockstep.completeAll(requests)
        for (request, completion) in zip(requests, batched) {
            let alone = try await served.complete(request)
            #expect(alone.text == completion.text && alone.statistics == completion.statistics)
        }
    }

    @Test("a rollout batch is a pure function of the weights, the questions and the seed")
    func deterministicWithTheBuiltinModel() async throws {
        let config = GPTConfig(vocabSize: 512, contextLength: 96, layerCount: 1, headCount: 2, modelDimension: 16)
        let model = try GPT(config: config, seed: 5)
        let tokenizer = try ByteTokenizer(vocabSize: 512)
        let lockstep = LockstepModel(model: model, tokenizer: tokenizer)
        var sampling = SamplingParameters(temperature: 1, topP: 1, topK: -1, repetitionPenalty: 1)
        sampling.maxTokens = 12
        let loop = AgentLoop(model: lockstep, tools: ToolBox(python: EchoPython()), sampling: sampling, template: PromptTemplate.plain)
        let engine = RolloutEngine(model: lockstep, loop: loop, config: RolloutConfig(), mode: .entropyBalanced)
        let first = try await engine.rollout(questions: questions, seed: 11)
        let second = try await engine.rollout(questions: questions, seed: 11)
        let other = try await engine.rollout(questions: questions, seed: 12)
        #expect(first.rollouts.map(\.path.trajectory) == second.rollouts.map(\.path.trajectory))
        #expect(first.groups == second.groups)
        #expect(first.rollouts.map(\.path.trajectory) != other.rollouts.map(\.path.trajectory))
        let statistics = try #require(first.rollouts.first?.path.segments.first?.statistics)
        #expect(statistics.entropies.allSatisfy { $0 > 0 && $0 <= 1 } && statistics.logProbs.allSatisfy { $0 <= 0 })
    }
}
