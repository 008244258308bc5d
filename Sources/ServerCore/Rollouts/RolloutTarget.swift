import Benchmarks
import Foundation
import Trainer

/// A checkpoint loaded for rollouts (`aepo rollout`), with what its
/// evaluations on the built-in engine would use (`CheckpointView.evaluability`):
///
/// - a Hugging Face directory: the model and tokenizer in a `LockstepModel`,
///   its own chat template as the framing (`ChatTemplateFraming`), the
///   `code_search` system prompt, and `generation_config.json` filling the
///   sampling fields over the project's defaults;
/// - an aepo-gpt file: the `plain` framing, no system prompt, the project's
///   default sampling (the setup the built-in model was trained with).
package struct RolloutTarget: Sendable {
    /// The model, called in lockstep batches.
    package let model: LockstepModel
    /// The system prompt policy and search defaults.
    package let setup: AgentSetup
    /// How the system prompt and question are framed.
    package let framing: any PromptFraming
    /// Sampling before the command's own settings.
    package let sampling: SamplingParameters
    /// One line about the checkpoint, for the command's output.
    package let description: String

    /// Loads `url`: a directory is a Hugging Face checkpoint, a file an aepo-gpt one.
    /// - Parameters:
    ///   - url: the checkpoint.
    ///   - threads: compute threads (a Hugging Face model's own; BLAS's for
    ///     aepo-gpt); nil: the cores available, or OpenBLAS's choice.
    ///   - batchSize: the most sequences in one forward pass.
    ///   - activations: a Hugging Face model's products (`.bf16`: bf16
    ///     products, see `ActivationPrecision`); aepo-gpt ignores it.
    /// - Throws: `RolloutError` naming the checkpoint and what is wrong with it.
    package static func load(
        _ url: URL, threads: Int?, batchSize: Int = 64, activations: ActivationPrecision = .f32
    ) throws(RolloutError) -> RolloutTarget {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .checkpoint(path: url.path, reason: "no such file or directory")
        }
        let base = ProtocolPreset.defaultFields.sampling
        if isDirectory.boolValue {
            let loaded: HFServedCheckpoint
            do {
                loaded = try HFServedCheckpoint(
                    directory: url, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
            } catch {
                throw .checkpoint(path: url.path, reason: error.description)
            }
            guard let template = loaded.chatTemplate else {
                loaded.model.shutdown()
                throw .checkpoint(
                    path: url.path,
                    reason: "it has no chat template, and rollouts of a Hugging Face checkpoint are framed with its own")
            }
            loaded.model.activations = activations
            let config = loaded.model.config
            let kind = config.modelType == "\(config.architecture)" ? config.modelType : "\(config.architecture), \(config.modelType)"
            return RolloutTarget(
                model: LockstepModel(checkpoint: loaded, batchSize: batchSize), setup: .codeSearch,
                framing: ChatTemplateFraming(template: template), sampling: base.filled(from: loaded.generationDefaults),
                description: "\(kind), context \(loaded.model.contextLength), "
                    + "\(loaded.model.threads) thread(s), \(activations == .bf16 ? "bf16" : "f32") products")
        }
        if let threads { BLAS.threads = threads }
        let loaded: LoadedCheckpoint
        do {
            loaded = try Checkpoint.load(from: url)
        } catch {
            throw .checkpoint(path: url.path, reason: error.description)
        }
        let metadata = loaded.metadata
        return RolloutTarget(
            model: LockstepModel(model: loaded.model, tokenizer: loaded.tokenizer, batchSize: batchSize), setup: .builtin,
            framing: AgentSetup.builtin.defaultTemplate, sampling: base,
            description: "aepo-gpt \(metadata.algorithm), \(metadata.task), step \(metadata.step), "
                + "context \(loaded.model.config.contextLength), \(BLAS.threads) BLAS thread(s)")
    }
}
