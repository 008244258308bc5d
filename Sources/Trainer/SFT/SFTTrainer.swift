import Foundation

/// Why supervised training could not start or continue.
public enum SFTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An invalid configuration.
    case config(ConfigError)
    /// No training sequence fits the model's context.
    case noData(String)
    /// The model refused a batch (not expected after validation).
    case model(GPTError)
    /// The loss or the gradient norm became NaN or infinite.
    case diverged(step: Int, key: String)

    public var description: String {
        switch self {
        case .config(let error): error.description
        case .noData(let message): "no training data: \(message)"
        case .model(let error): error.description
        case .diverged(let step, let key): "training diverged at step \(step): \(key) is not finite"
        }
    }
}

/// Supervised fine-tuning (here: training from scratch) on expert
/// trajectories: per step one batch of B sequences padded to the context T,
/// cross-entropy on the model-written tokens only (token mean over the
/// batch), global-norm clipping, AdamW with warmup + cosine. Deterministic
/// for a seed at a fixed thread count (the weights from `seed`, the batch
/// order from its own stream).
public final class SFTTrainer {
    /// The settings.
    public let config: SFTConfig
    /// The model being trained.
    public let model: GPT
    /// Its tokenizer.
    public let tokenizer: ByteTokenizer
    /// Steps of the whole run (sets the schedule).
    public let totalSteps: Int
    /// Steps taken so far.
    public private(set) var step = 0
    private let optimizer: AdamW
    private let schedule: LRSchedule
    private var batcher: SFTBatcher

    /// Builds the model and the batch stream.
    /// - Parameters:
    ///   - config: settings (validated).
    ///   - sequences: training sequences; longer ones than the context are refused.
    ///   - steps: the number of steps the run will take.
    ///   - seed: seed of the initial weights and of the batch order.
    /// - Throws: `SFTError.config`, or `.noData` when a sequence does not fit the context.
    public init(config: SFTConfig, sequences: [SFTSequence], steps: Int, seed: UInt64) throws(SFTError) {
        do { try config.validate() } catch { throw .config(error) }
        guard steps >= 1 else { throw .config(.invalid("steps must be >= 1")) }
        guard !sequences.isEmpty else { throw .noData("the training set is empty") }
        let T = config.model.contextLength
        if let longest = sequences.map(\.tokens.count).max(), longest - 1 > T {
            throw .noData("a training sequence has \(longest) tokens; the context is \(T): raise context_length")
        }
        self.config = config
        do {
            model = try GPT(config: config.model, seed: seed)
            tokenizer = try ByteTokenizer(vocabSize: config.model.vocabSize)
        } catch let error as ConfigError {
            throw .config(error)
        } catch {
            throw .config(.invalid(String(describing: error)))
        }
        totalSteps = steps
        optimizer = AdamW(config: config.adamw, layout: model.layout)
        schedule = config.schedule(steps: steps)
        batcher = SFTBatcher(sequences: sequences, batchSize: config.batchSize, sequenceLength: T, seed: seed)
    }

    /// Takes one optimiser step.
    /// - Returns: the step's metrics: `train/loss` (mean cross-entropy of the
    ///   trained tokens), `train/trained_tokens`, `train/epoch`, `actor/lr`,
    ///   `actor/grad_norm` (before clipping), `timing_s/step`,
    ///   `perf/throughput` (non-padding tokens per second).
    /// - Throws: `SFTError.diverged` when the loss or gradient is not finite
    ///   (the weights are then left as they were).
    public func trainStep() throws(SFTError) -> MetricsLine {
        let clock = ContinuousClock()
        let start = clock.now
        let batch = batcher.next()
        let B = config.batchSize, T = config.model.contextLength
        let loss: Float
        do {
            loss = try model.loss(tokens: batch.inputs, targets: batch.targets, weights: batch.weights, B: B, T: T)
            model.zeroGradients()
            try model.backward(crossEntropyWeights: batch.weights)
        } catch {
            throw .model(error)
        }
        step += 1
        guard loss.isFinite else { throw .diverged(step: step, key: "train/loss") }
        let norm = GradientClipping.clip(model.gradients, maxNorm: config.gradClip)
        guard norm.isFinite else { throw .diverged(step: step, key: "actor/grad_norm") }
        let lr = schedule.learningRate(at: step - 1)
        optimizer.update(model, learningRate: lr)
        let seconds = start.duration(to: clock.now).seconds
        return MetricsLine(step: step, data: [
            "train/loss": Double(loss),
            "train/trained_tokens": Double(batch.trained),
            "train/epoch": Double(batcher.epoch),
            "actor/lr": Double(lr),
            "actor/grad_norm": Double(norm),
            "timing_s/step": seconds,
            "perf/throughput": Double(batch.real) / max(seconds, 1e-9),
        ])
    }
}
