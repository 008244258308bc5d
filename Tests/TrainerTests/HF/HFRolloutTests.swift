import Benchmarks
import Foundation
import Jinja
import Testing

@testable import Trainer

/// The committed tiny Qwen3 checkpoint of the server tests (random weights,
/// `tokenizer.json`, a ChatML-family chat template, `generation_config.json`
/// with temperature 0.7, top_p 0.8, top_k 30, repetition penalty 1.05).
enum TinyQwen3 {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("ServerTests/Fixtures/hf-tiny-qwen3", isDirectory: true)

    static func load(threads: Int = 1, maxContextLength: Int? = nil) throws -> HFServedCheckpoint {
        try HFServedCheckpoint(directory: directory, threads: threads, maxContextLength: maxContextLength)
    }

    /// transformers' `apply_chat_template` of a system and a user message, with the generation prompt.
    static func rendered(system: String, question: String) -> String {
        "<|im_start|>system\n\(system)<|im_end|>\n<|im_start|>user\n\(question)<|im_end|>\n<|im_start|>assistant\n"
    }

    /// `model.generate(rendered(system: "Be brief.", question: "What is 2+3? 你好"), max_new_tokens=12, do_sample=False)` in float32.
    static let greedy: [Int] = [848, 308, 768, 576, 610, 501, 475, 475, 475, 475, 859, 859]
}

/// Records every request it passes on to a lockstep model.
private final class RecordingModel: BatchCompletionModel, @unchecked Sendable {
    let inner: LockstepModel
    private let lock = NSLock()
    private var recorded: [CompletionRequest] = []

    init(_ inner: LockstepModel) {
        self.inner = inner
    }

    var requests: [CompletionRequest] { lock.withLock { recorded } }

    func completeAll(_ requests: [CompletionRequest]) throws -> [Completion] {
        lock.withLock { recorded += requests }
        return try inner.completeAll(requests)
    }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        try completeAll([request])[0]
    }
}

/// An engine model that counts the forward passes of its decode batches and the sequences each fed.
private final class CountingModel: EngineModel {
    let inner: any EngineModel
    var passes: [Int] = []

    init(_ inner: any EngineModel) {
        self.inner = inner
    }

    var vocabularySize: Int { inner.vocabularySize }
    var contextLength: Int { inner.contextLength }
    var eosTokenIDs: Set<Int32> { inner.eosTokenIDs }

    func makeDecodeBatch(slots: Int) throws(EngineError) -> any DecodeBatch {
        CountingBatch(inner: try inner.makeDecodeBatch(slots: slots), owner: self)
    }

    final class CountingBatch: DecodeBatch {
        let inner: any DecodeBatch
        unowned let owner: CountingModel

        init(inner: any DecodeBatch, owner: CountingModel) {
            self.inner = inner
            self.owner = owner
        }

        var slotCount: Int { inner.slotCount }
        func length(slot: Int) -> Int { inner.length(slot: slot) }
        func reset(slot: Int) { inner.reset(slot: slot) }
        func logits(slot: Int) -> UnsafeMutablePointer<Float> { inner.logits(slot: slot) }

        func step(_ feeds: [[Int32]]) throws(EngineError) {
            owner.passes.append(feeds.count { !$0.isEmpty })
            try inner.step(feeds)
        }
    }
}

@Suite("Rollouts of a Hugging Face checkpoint")
struct HFRolloutTests {
    private let questions = ["What is 2+3?", "Name a prime number."]
    private let system = "Be brief."

    /// A rollout engine over the checkpoint with its own template and sampling defaults.
    private func engine(
        _ model: any BatchCompletionModel, checkpoint: HFServedCheckpoint, mode: PolicyAlgorithm.RolloutMode, k: Int = 3
    ) throws -> RolloutEngine {
        let template = try #require(checkpoint.chatTemplate)
        var sampling = SamplingParameters().filled(from: checkpoint.generationDefaults)
        sampling.maxTokens = 6
        let loop = AgentLoop(
            model: model, limits: AgentLimits(maxTokensPerCall: 6, maxModelCalls: 3, maxContinuations: 0),
            sampling: sampling, template: ChatTemplateFraming(template: template))
        var config = RolloutConfig()
        config.groupSize = k
        config.arpoGlobalSamples = 2
        return RolloutEngine(model: model, loop: loop, system: system, config: config, mode: mode)
    }

    @Test("every mode rolls out k finished paths per group", arguments: [
        PolicyAlgorithm.RolloutMode.group, .entropyBranching, .entropyBalanced,
    ])
    func everyMode(mode: PolicyAlgorithm.RolloutMode) async throws {
        let checkpoint = try TinyQwen3.load()
        let model = LockstepModel(checkpoint: checkpoint)
        defer { model.shutdown() }
        let batch = try await engine(model, checkpoint: checkpoint, mode: mode).rollout(questions: questions, seed: 3)
        #expect(batch.rollouts.count == questions.count * 3)
        for g in questions.indices {
            let group = batch.rollouts.filter { $0.group == g }
            #expect(group.map(\.index) == [0, 1, 2])
            #expect(group.allSatisfy { $0.path.isFinished && $0.question == questions[g] })
            #expect(batch.groups[g].globalSamples + batch.groups[g].branchSamples == 3)
            #expect((1...3).contains(batch.groups[g].globalBudget))
            #expect(batch.groups[g].rootEntropy > 0 && batch.groups[g].rootEntropy <= 1)
        }
    }

    @Test("a rollout batch is a pure function of the weights, the questions and the seed (two threads)")
    func deterministic() async throws {
        let checkpoint = try TinyQwen3.load(threads: 2)
        let model = LockstepModel(checkpoint: checkpoint)
        defer { model.shutdown() }
        let rollouts = try engine(model, checkpoint: checkpoint, mode: .entropyBalanced)
        let first = try await rollouts.rollout(questions: questions, seed: 7)
        let second = try await rollouts.rollout(questions: questions, seed: 7)
        let other = try await rollouts.rollout(questions: questions, seed: 8)
        #expect(first.rollouts.map(\.path.segments) == second.rollouts.map(\.path.segments))
        #expect(first.rollouts.map(\.origin) == second.rollouts.map(\.origin))
        #expect(first.groups == second.groups)
        #expect(first.rollouts.map(\.path.trajectory) != other.rollouts.map(\.path.trajectory))
    }

    @Test("each generated token has a finite log-probability and a normalised entropy")
    func tokenStatistics() async throws {
        let checkpoint = try TinyQwen3.load()
        let model = LockstepModel(checkpoint: checkpoint)
        defer { model.shutdown() }
        let batch = try await engine(model, checkpoint: checkpoint, mode: .group).rollout(questions: questions, seed: 1)
        for rollout in batch.rollouts {
            let segments = rollout.path.segments.filter { $0.source == .model }
            #expect(!segments.isEmpty)
            for segment in segments {
                let statistics = try #require(segment.statistics)
                #expect((1...6).contains(statistics.tokenIDs.count))
                #expect(statistics.logProbs.count == statistics.tokenIDs.count)
                #expect(statistics.entropies.count == statistics.tokenIDs.count)
                #expect(statistics.logProbs.allSatisfy { $0.isFinite && $0 <= 0 })
                #expect(statistics.entropies.allSatisfy { $0.isFinite && $0 > 0 && $0 <= 1 })
                #expect(statistics.tokenIDs.allSatisfy { (0..<1024).contains($0) })
            }
        }
    }

    @Test("prompts are the checkpoint's chat template, sampled with its generation defaults")
    func framing() async throws {
        let checkpoint = try TinyQwen3.load()
        let recording = RecordingModel(LockstepModel(checkpoint: checkpoint))
        defer { recording.inner.shutdown() }
        let batch = try await engine(recording, checkpoint: checkpoint, mode: .group).rollout(questions: questions, seed: 2)
        let first = try #require(recording.requests.first)
        let rendered = TinyQwen3.rendered(system: system, question: questions[0])
        #expect(first.prompt == rendered)
        #expect(!first.addSpecialTokens)
        #expect(first.sampling.temperature == 0.7 && first.sampling.topP == 0.8 && first.sampling.topK == 30)
        #expect(first.sampling.repetitionPenalty == 1.05 && first.sampling.maxTokens == 6)
        #expect(recording.requests.allSatisfy { request in
            questions.contains { request.prompt.hasPrefix(TinyQwen3.rendered(system: system, question: $0)) }
        })
        #expect(batch.rollouts.count == 6)
        // The prompt is tokenised as transformers does it (no special tokens added: the template wrote them).
        let completion = try recording.inner.completeAll([first])[0]
        let ids: [Int] = checkpoint.tokenizer.encode(rendered, addSpecialTokens: false)
        #expect(completion.usage?.promptTokens == ids.count)
    }

    @Test("lockstep batches sample what the served engine samples for the same requests")
    func matchesTheServedEngine() async throws {
        let lockstep = LockstepModel(checkpoint: try TinyQwen3.load())
        defer { lockstep.shutdown() }
        let served = try TinyQwen3.load()
        let builtin = BuiltinModel(
            engine: InferenceEngine(model: served.model, tokenizer: served.tokenizer), appliesRepetitionPenalty: true)
        defer { builtin.engine.shutdown() }
        let sampling = SamplingParameters(temperature: 0.9, topP: 0.95, topK: 40, repetitionPenalty: 1.2, maxTokens: 10)
        let requests = (0..<5).map { i in
            CompletionRequest(
                prompt: TinyQwen3.rendered(system: system, question: "Question \(i)?"), stop: AgentTag.stopStrings,
                sampling: sampling, seed: UInt64(70 + i), addSpecialTokens: false)
        }
        let batched = try lockstep.completeAll(requests)
        for (request, completion) in zip(requests, batched) {
            let alone = try await builtin.complete(request)
            #expect(alone.text == completion.text && alone.finishReason == completion.finishReason)
            #expect(alone.statistics?.tokenIDs == completion.statistics?.tokenIDs)
            let pairs = zip(alone.statistics?.logProbs ?? [], completion.statistics?.logProbs ?? [])
            #expect(pairs.allSatisfy { abs($0 - $1) < 1e-4 })
        }
    }

    @Test("the calls of a round share their forward passes: one prefill for all, then one token each per pass")
    func oneBatchPerRound() throws {
        let checkpoint = try TinyQwen3.load()
        let counting = CountingModel(checkpoint.model)
        let model = LockstepModel(
            engineModel: counting, tokenizer: checkpoint.tokenizer, appliesRepetitionPenalty: true, batchSize: 4)
        defer { model.shutdown() }
        let requests = (0..<6).map { i in
            CompletionRequest(
                prompt: TinyQwen3.rendered(system: system, question: "Question \(i)?"),
                sampling: SamplingParameters(temperature: 1, topP: 1, topK: -1, repetitionPenalty: 1, maxTokens: 5),
                seed: UInt64(i), addSpecialTokens: false)
        }
        let completions = try model.completeAll(requests)
        let lengths = completions.map { $0.statistics?.tokenIDs.count ?? 0 }
        // Two chunks (4 + 2 sequences); a chunk runs as many passes as its longest sequence has tokens.
        #expect(counting.passes.count == (lengths.prefix(4).max() ?? 0) + (lengths.suffix(2).max() ?? 0))
        #expect(counting.passes.first == 4 && counting.passes.contains(2))
        #expect(counting.passes.allSatisfy { $0 <= 4 })
    }

    @Test("greedy decoding matches transformers; a stop string ends the text before it")
    func greedyAndStop() throws {
        let model = LockstepModel(checkpoint: try TinyQwen3.load())
        defer { model.shutdown() }
        let prompt = TinyQwen3.rendered(system: "Be brief.", question: "What is 2+3? 你好")
        let greedy = CompletionRequest(prompt: prompt, sampling: .greedy(maxTokens: 12), seed: 0, addSpecialTokens: false)
        let free = try model.completeAll([greedy])[0]
        #expect(free.statistics?.tokenIDs == TinyQwen3.greedy)
        #expect(free.finishReason == .length && free.text == model.tokenizer.decode(TinyQwen3.greedy.map(Int32.init)))
        // A piece of that text as a stop string: the same tokens up to it, the text before it.
        let text = free.text
        let stop = String(text.dropFirst(text.count / 2).prefix(2))
        let cut = try #require(text.range(of: stop))
        var stopped = greedy
        stopped.stop = [stop]
        let ended = try model.completeAll([stopped])[0]
        #expect(ended.finishReason == .stop && ended.matchedStop == stop)
        #expect(ended.text == String(text[..<cut.lowerBound]))
        let ids = try #require(ended.statistics?.tokenIDs)
        #expect(ids.count < 12 && ids == Array(TinyQwen3.greedy.prefix(ids.count)))
    }

    @Test("a prompt that leaves no room ends with an empty length completion; the rest of the batch runs")
    func noRoom() throws {
        let checkpoint = try TinyQwen3.load(maxContextLength: 24)
        let model = LockstepModel(checkpoint: checkpoint)
        defer { model.shutdown() }
        let long = CompletionRequest(
            prompt: TinyQwen3.rendered(system: system, question: "A question far too long for a context of 24 tokens."),
            sampling: .greedy(maxTokens: 50), seed: 1, addSpecialTokens: false)
        let short = CompletionRequest(prompt: "Hi", sampling: .greedy(maxTokens: 50), seed: 2)
        let longIDs: [Int] = checkpoint.tokenizer.encode(long.prompt, addSpecialTokens: false)
        #expect(longIDs.count >= 24)
        let completions = try model.completeAll([long, short, long])
        #expect(completions[0] == Completion(text: "", finishReason: .length, usage: .init(promptTokens: 24, completionTokens: 0)))
        #expect(completions[2] == completions[0])
        let shortIDs: [Int] = checkpoint.tokenizer.encode("Hi", addSpecialTokens: true)
        let shortTokens = shortIDs.count
        #expect(completions[1].finishReason == .length || completions[1].finishReason == .stop)
        #expect((completions[1].statistics?.tokenIDs.count ?? 0) <= 24 - shortTokens)
        #expect((completions[1].statistics?.tokenIDs.count ?? 0) >= 1)
    }

    @Test("generation_config.json fills the sampling fields it sets, top_k 0 meaning off")
    func generationDefaults() throws {
        var defaults = HFGenerationDefaults()
        defaults.temperature = 0.7
        defaults.topK = 0
        let base = SamplingParameters(temperature: 0.6, topP: 0.95, topK: 20, repetitionPenalty: 1.1, maxTokens: 99)
        #expect(base.filled(from: defaults) == SamplingParameters(temperature: 0.7, topP: 0.95, topK: -1, repetitionPenalty: 1.1, maxTokens: 99))
        #expect(base.filled(from: HFGenerationDefaults()) == base)
        let fixture = base.filled(from: try TinyQwen3.load().generationDefaults)
        #expect(fixture == SamplingParameters(temperature: 0.7, topP: 0.8, topK: 30, repetitionPenalty: 1.05, maxTokens: 99))
    }
}
