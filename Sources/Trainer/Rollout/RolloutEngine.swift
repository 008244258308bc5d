import Benchmarks

/// Generates groups of agent rollouts with the built-in model, through the
/// Benchmarks agent loop and tools, in one of three modes
/// (`PolicyAlgorithm.RolloutMode`):
///
/// - `.group`: k independent samples per prompt;
/// - `.entropyBranching` (ARPO): `arpoGlobalSamples` global samples, and
///   after each tool result a path branches with `P = alpha + beta * dH`;
/// - `.entropyBalanced` (AEPO): one pre-rollout per prompt measures H_root
///   and H_tool_avg, which split k into m global samples (the pre-rollout is
///   the first) and k - m branch samples; a path branches with
///   `P = (alpha + gamma * dH) * (1 - Phat(l))`, l counting the group's
///   consecutive branching rounds.
///
/// `dH` is the mean entropy of the first `toolEntropyTokens` tokens after a
/// tool result minus that of the path's first segment. A branch copies the
/// path as it was right after the tool result (`beamSize - 1` copies) and
/// continues it from its own seed; the copies share the prefix. A group
/// never exceeds k rollouts; when its paths run out early, fresh global
/// samples fill it up to k.
///
/// All paths of all groups advance in lockstep rounds (one model call each,
/// batched; then every tool call), and every random draw comes from streams
/// of `seed`, so a rollout batch is a pure function of (weights, questions,
/// seed) at a fixed thread count (BLAS threads for aepo-gpt, the model's
/// own threads for a Hugging Face checkpoint).
public struct RolloutEngine: Sendable {
    /// The model, called in lockstep batches (`LockstepModel` for an aepo-gpt
    /// or Hugging Face checkpoint on the built-in engine's model code).
    public let model: any BatchCompletionModel
    /// The agent loop (tools, limits, sampling, template).
    public let loop: AgentLoop
    /// The system prompt (built-in models: none).
    public let system: String
    /// The constants of AEPO.md section 1.
    public let config: RolloutConfig
    /// How groups are sampled.
    public let mode: PolicyAlgorithm.RolloutMode
    /// Most sequences per forward pass.
    public let batchSize: Int

    /// Creates an engine.
    public init(
        model: any BatchCompletionModel, loop: AgentLoop, system: String = SynthAgent.systemPrompt, config: RolloutConfig,
        mode: PolicyAlgorithm.RolloutMode, batchSize: Int = 64
    ) {
        self.model = model
        self.loop = loop
        self.system = system
        self.config = config
        self.mode = mode
        self.batchSize = batchSize
    }

    /// Rolls out `questions`, k = `config.groupSize` rollouts each.
    /// - Parameters:
    ///   - questions: one prompt per group.
    ///   - seed: the seed of every sample and branch decision.
    /// - Throws: the model's error when it refuses a call (`EngineError` from `LockstepModel`),
    ///   `AgentError.cancelled` when the task is cancelled.
    public func rollout(questions: [String], seed: UInt64) async throws -> RolloutBatch {
        let k = config.groupSize
        var state = RolloutState(
            questions: questions, groupSize: k, seed: seed, sampleTimeout: loop.limits.sampleTimeout)
        switch mode {
        case .group:
            for g in questions.indices {
                state.groups[g].statistics.globalBudget = k
                state.start(k, group: g)
            }
        case .entropyBranching:
            for g in questions.indices {
                state.groups[g].statistics.globalBudget = min(k, max(1, config.arpoGlobalSamples))
                state.start(state.groups[g].statistics.globalBudget, group: g)
            }
        case .entropyBalanced:
            // Pre-monitoring: one full rollout per prompt, no branching.
            for g in questions.indices { state.start(1, group: g) }
            while !state.live.isEmpty { try await round(&state, branching: false) }
            for g in questions.indices {
                let (root, tool) = Self.entropies(of: state.groups[g].finished.first?.path, config: config)
                state.groups[g].statistics.globalBudget = EntropyBranching.globalSamples(
                    groupSize: k, rootEntropy: root, toolEntropy: tool, beta: config.budgetBeta)
                state.start(state.groups[g].statistics.globalBudget - 1, group: g)
            }
        }
        while !state.live.isEmpty {
            try await round(&state, branching: mode != .group)
            for g in questions.indices where state.groups[g].started < k && !state.live.contains(where: { $0.group == g }) {
                state.start(k - state.groups[g].started, group: g)
            }
        }
        for g in questions.indices {
            state.groups[g].finished.sort { $0.index < $1.index }
            let (root, tool) = Self.entropies(of: state.groups[g].finished.first?.path, config: config)
            state.groups[g].statistics.rootEntropy = root
            state.groups[g].statistics.toolEntropy = tool
        }
        return RolloutBatch(rollouts: state.groups.flatMap(\.finished), groups: state.groups.map(\.statistics))
    }

    /// H_root (first `rootEntropyTokens` of the first segment) and H_tool_avg
    /// (mean over the segments that follow a tool result of their first
    /// `toolEntropyTokens`; H_root when the path called no tool) of a path.
    static func entropies(of path: AgentPath?, config: RolloutConfig) -> (root: Double, tool: Double) {
        guard let path, let first = path.segments.first?.statistics,
            let root = first.meanEntropy(firstTokens: config.rootEntropyTokens)
        else { return (0, 0) }
        var tool: [Double] = []
        for (previous, segment) in zip(path.segments, path.segments.dropFirst())
        where previous.source == .tool && segment.source == .model {
            if let h = segment.statistics?.meanEntropy(firstTokens: config.toolEntropyTokens) { tool.append(h) }
        }
        return (root, tool.isEmpty ? root : tool.reduce(0, +) / Double(tool.count))
    }

    /// One model call for every live path (one batch), then every tool
    /// call, then the branch decisions; finished paths move to their group.
    private func round(_ state: inout RolloutState, branching: Bool) async throws {
        if Task.isCancelled { throw AgentError.cancelled }
        let before = state.live.map(\.path)
        var requests: [(index: Int, request: CompletionRequest)] = []
        for i in state.live.indices {
            let question = state.questions[state.live[i].group]
            let path = state.live[i]
            if let request = try loop.nextCall(
                &state.live[i].path, question: question, system: system, seed: path.seed, deadline: path.deadline)
            {
                requests.append((i, request))
            }
        }
        let completions = try model.completeAll(requests.map(\.request))
        let loop = self.loop
        let advanced = try await withThrowingTaskGroup(of: (Int, AgentPath).self) { taskGroup in
            for (slot, entry) in requests.enumerated() {
                let path = state.live[entry.index].path, completion = completions[slot]
                let deadline = state.live[entry.index].deadline
                taskGroup.addTask {
                    var path = path
                    try await loop.advance(&path, with: completion, deadline: deadline)
                    return (entry.index, path)
                }
            }
            var results: [Int: AgentPath] = [:]
            for try await (index, path) in taskGroup { results[index] = path }
            return results
        }
        var decided = Set<Int>(), branched = Set<Int>()
        for i in state.live.indices {
            if let path = advanced[i] { state.live[i].path = path }
            // The model segment of this round (a tool result may follow it).
            let segments = state.live[i].path.segments, new = before[i].segments.count
            guard advanced[i] != nil, new < segments.count, segments[new].source == .model,
                let entropy = segments[new].statistics?.meanEntropy(firstTokens: config.toolEntropyTokens)
            else { continue }
            guard let initial = state.live[i].initialEntropy else {
                state.live[i].initialEntropy = entropy
                continue
            }
            // This segment follows a tool result: decide whether to branch there.
            guard branching, before[i].segments.last?.source == .tool else { continue }
            let g = state.live[i].group
            decided.insert(g)
            state.groups[g].statistics.branchDecisions += 1
            let alpha = state.groups[g].alpha.nextDouble()
            let dH = entropy - initial
            let yes: Bool
            if mode == .entropyBalanced {
                let p = EntropyBranching.aepoProbability(
                    alpha: alpha, entropyChange: dH, gamma: config.entropyWeight,
                    consecutiveBranches: state.groups[g].consecutiveBranches, slope: config.penaltySlope)
                let unpenalised = EntropyBranching.aepoProbability(
                    alpha: alpha, entropyChange: dH, gamma: config.entropyWeight, consecutiveBranches: 0,
                    slope: config.penaltySlope)
                yes = EntropyBranching.shouldBranch(probability: p, threshold: config.branchThreshold)
                if !yes && EntropyBranching.shouldBranch(probability: unpenalised, threshold: config.branchThreshold) {
                    state.groups[g].statistics.penaltyHits += 1
                }
            } else {
                let p = EntropyBranching.arpoProbability(alpha: alpha, entropyChange: dH, beta: config.arpoEntropyWeight)
                yes = EntropyBranching.shouldBranch(probability: p, threshold: config.branchThreshold)
            }
            let branchBudget = config.groupSize - state.groups[g].statistics.globalBudget
            guard yes else { continue }
            for _ in 1..<max(2, config.beamSize)
            where state.groups[g].started < config.groupSize && state.groups[g].branches < branchBudget {
                state.groups[g].branches += 1
                branched.insert(g)
                let origin = Rollout.Origin.branch(parent: state.live[i].index, segments: before[i].segments.count)
                state.start(1, group: g, origin: origin, from: before[i], initialEntropy: initial)
            }
        }
        for g in decided {
            state.groups[g].consecutiveBranches = branched.contains(g) ? state.groups[g].consecutiveBranches + 1 : 0
        }
        state.collectFinished()
    }
}

/// The paths and groups of one `RolloutEngine.rollout` call.
struct RolloutState {
    /// A path being generated.
    struct LivePath: Sendable {
        var path: AgentPath
        let group: Int
        let index: Int
        let origin: Rollout.Origin
        let seed: UInt64
        /// When this sample's wall-clock budget (`AgentLimits.sampleTimeout`) ends.
        let deadline: ContinuousClock.Instant
        /// Mean entropy of the path's first segment (set after its first call).
        var initialEntropy: Double?
    }

    /// Bookkeeping of one group.
    struct Group {
        var started = 0
        var branches = 0
        var consecutiveBranches = 0
        var finished: [Rollout] = []
        var statistics = RolloutGroupStatistics()
        /// The stream of alpha ~ U(0, 1) draws of this group's branch decisions.
        var alpha: Xoshiro256
    }

    let questions: [String]
    let groupSize: Int
    let seed: UInt64
    /// Each sample's wall-clock budget, from when it starts.
    let sampleTimeout: Duration
    var live: [LivePath] = []
    var groups: [Group]

    init(questions: [String], groupSize: Int, seed: UInt64, sampleTimeout: Duration) {
        self.questions = questions
        self.sampleTimeout = sampleTimeout
        self.groupSize = groupSize
        self.seed = seed
        groups = questions.indices.map { Group(alpha: Xoshiro256(seed: seed ^ 0xA1FA, stream: UInt64($0))) }
    }

    /// Starts up to `count` paths in group `g` (never past k): fresh ones,
    /// or copies of `path` for a branch. Path j of group g samples from its
    /// own seed, a function of (seed, g, j).
    mutating func start(
        _ count: Int, group g: Int, origin: Rollout.Origin = .global, from path: AgentPath = AgentPath(),
        initialEntropy: Double? = nil
    ) {
        for _ in 0..<max(0, count) where groups[g].started < groupSize {
            var seeder = Xoshiro256(seed: seed, stream: UInt64(g) << 20 | UInt64(groups[g].started))
            live.append(LivePath(path: path, group: g, index: groups[g].started, origin: origin, seed: seeder.next(),
                    deadline: .now + sampleTimeout,
                    initialEntropy: initialEntropy))
            groups[g].started += 1
            if origin == .global {
                groups[g].statistics.globalSamples += 1
            } else {
                groups[g].statistics.branchSamples += 1
            }
        }
    }

    /// Moves finished paths to their groups.
    mutating func collectFinished() {
        var stillLive: [LivePath] = []
        for path in live {
            if path.path.isFinished {
                groups[path.group].finished.append(
                    Rollout(
                        group: path.group, index: path.index, origin: path.origin, question: questions[path.group],
                        path: path.path))
            } else {
                stillLive.append(path)
            }
        }
        live = stillLive
    }
}
