import Foundation
import Trainer

/// Checkpoints loaded into the built-in engine, one engine per checkpoint,
/// shared by every evaluation of it: aepo-gpt files and Hugging Face
/// directories.
package actor BuiltinModels {
    private var loaded: [Int64: BuiltinModel] = [:]
    /// Threads of an `hf` model's linear layers.
    private let threads: Int

    /// - Parameter threads: threads an `hf` model computes with (default: the cores available).
    package init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.threads = max(1, threads)
    }

    /// The engine of an aepo-gpt checkpoint file.
    package func model(for checkpoint: Int64, file: URL) throws -> BuiltinModel {
        if let model = loaded[checkpoint] { return model }
        let model = try BuiltinModel(contentsOf: file)
        loaded[checkpoint] = model
        return model
    }

    /// The engine of a Hugging Face checkpoint directory (its weights
    /// mapped on a thread of their own).
    package func hfModel(for checkpoint: Int64, directory: URL) async throws -> BuiltinModel {
        if let model = loaded[checkpoint] { return model }
        let threads = self.threads
        let model = try await BlockingWork.run {
            let served: HFServedCheckpoint
            do {
                served = try HFServedCheckpoint(directory: directory, threads: threads)
            } catch {
                throw CoreError.invalid("not_evaluable", "checkpoint \(checkpoint) cannot be loaded: \(error)")
            }
            return BuiltinModel(
                engine: InferenceEngine(model: served.model, tokenizer: served.tokenizer), appliesRepetitionPenalty: true)
        }
        // Another evaluation may have loaded it meanwhile: keep the first.
        if let existing = loaded[checkpoint] {
            model.engine.shutdown()
            return existing
        }
        loaded[checkpoint] = model
        return model
    }
}
