import CKernels
import Foundation

/// A Llama / Qwen2 / Qwen3 / Mistral checkpoint directory loaded for
/// inference: config, generation defaults and memory-mapped weights kept in
/// their stored precision (bf16, f16 or f32), computed in f32. The forward
/// pass is `forward(_:cache:)` (see `HFModel+Forward.swift`); the engine
/// drives it through `EngineModel`.
///
/// Not thread-safe: one caller at a time (the engine's worker thread).
public final class HFModel {
    /// The model's config.
    public let config: HFModelConfig
    /// `generation_config.json` (empty when the file is absent).
    public let generationDefaults: HFGenerationDefaults
    /// The mapped weights (bytes of tensor data: `weights.byteCount`).
    public let weights: HFWeights
    let embedding: WeightTensor
    let layers: [HFLayer]
    let finalNorm: FloatBuffer
    let outputLayer: HFLinear
    let executor: LinearExecutor
    /// RoPE tables of the types that do not depend on the sequence length.
    let fixedRotary: RotaryFrequencies.Table?
    /// Most tokens per sequence: `HFModelConfig.servedContextLength`, or
    /// less when loaded with a limit (the KV cache of every slot is sized by it).
    public let contextLength: Int

    /// Loads the checkpoint in `directory`, checking every tensor against the config first.
    /// - Parameters:
    ///   - directory: a directory with `config.json` and the safetensors weights.
    ///   - threads: threads of the linear layers (>= 1).
    ///   - maxContextLength: a limit below `max_position_embeddings` (vLLM's `--max-model-len`).
    /// - Throws: `HFModelError` naming the field, file or tensor at fault.
    public convenience init(directory: URL, threads: Int = 1, maxContextLength: Int? = nil) throws(HFModelError) {
        let config: HFModelConfig, defaults: HFGenerationDefaults
        do {
            config = try HFModelConfig(directory: directory)
            defaults = try HFGenerationDefaults(directory: directory)
        } catch {
            throw .config(error)
        }
        let weights: HFWeights
        do { weights = try HFWeights(directory: directory) } catch { throw .weights(error) }
        try self.init(
            config: config, weights: weights, generationDefaults: defaults, threads: threads, maxContextLength: maxContextLength)
    }

    /// Builds the model over already mapped weights.
    /// - Throws: `HFModelError.weights` for the first missing, misshaped or unreadable tensor.
    public init(
        config: HFModelConfig, weights: HFWeights, generationDefaults: HFGenerationDefaults = HFGenerationDefaults(),
        threads: Int = 1, maxContextLength: Int? = nil
    ) throws(HFModelError) {
        do {
            try HFArchitecture.validate(tensors: weights.descriptors, config: config)
            self.config = config
            self.generationDefaults = generationDefaults
            self.weights = weights
            embedding = try weights.tensor("model.embed_tokens.weight")
            layers = try (0..<config.layerCount).map { l throws(HFWeightError) in try HFLayer(weights, config: config, index: l) }
            finalNorm = FloatBuffer(try weights.tensor("model.norm.weight").floats())
            let output = config.tieWordEmbeddings ? embedding : try weights.tensor("lm_head.weight")
            outputLayer = HFLinear(weight: output, bias: nil)
        } catch {
            throw .weights(error)
        }
        executor = LinearExecutor(threads: threads)
        contextLength = max(2, min(config.servedContextLength, maxContextLength ?? .max))
        if case .dynamic = config.ropeScaling {
            fixedRotary = nil
        } else {
            fixedRotary = RotaryFrequencies.table(config, length: 0)
        }
    }

    /// Threads the linear layers run on.
    public var threads: Int { executor.threads }

    /// How the linear layers multiply (default `.f32`).
    public var activations: ActivationPrecision {
        get { executor.activations }
        set { executor.activations = newValue }
    }

    /// How decode batches cache keys and values: in bf16 when the layers'
    /// products are (`activations` `.bf16`, bf16 weights, a CPU with AVX512
    /// BF16), as PyTorch keeps a bf16 model's cache; in f32 otherwise.
    public var keyValuePrecision: ActivationPrecision {
        activations == .bf16 && ActivationPrecision.bf16Available && layers.first?.k.weight.kernelType == AEPO_WEIGHT_BF16
            ? .bf16 : .f32
    }

    /// Stops and joins the worker threads (they also stop when the model is
    /// released); later forward passes run on the calling thread alone.
    public func shutdown() {
        executor.shutdown()
    }

    /// At most this many rows per forward pass use the decoding kernel
    /// (more use the tiled prefill kernel). For measurements.
    public var rowKernelLimit: Int {
        get { executor.rowKernelLimit }
        set { executor.rowKernelLimit = max(0, newValue) }
    }

    /// Ids that end a sequence: the config's and generation_config's `eos_token_id`.
    public var eosTokenIDs: Set<Int32> {
        Set((config.eosTokenIDs + generationDefaults.eosTokenIDs).map { Int32(truncatingIfNeeded: $0) })
    }
}

/// Why a checkpoint could not be loaded or run.
public enum HFModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `config.json` or `generation_config.json` is invalid.
    case config(HFConfigError)
    /// The weights are missing, misshaped or unreadable.
    case weights(HFWeightError)
    /// A token id outside the vocabulary.
    case invalidToken(Int32, vocabularySize: Int)
    /// A sequence would not fit its cache slot.
    case sequenceTooLong(slot: Int, length: Int, capacity: Int)
    /// The feeds do not match the cache's slots.
    case slotCountMismatch(expected: Int, got: Int)
    /// The KV cache's address space could not be reserved.
    case cacheUnavailable(slots: Int, tokens: Int)

    public var description: String {
        switch self {
        case .config(let error): error.description
        case .weights(let error): error.description
        case .invalidToken(let id, let vocabulary): "token id \(id) is outside the vocabulary of \(vocabulary)"
        case .sequenceTooLong(let slot, let length, let capacity):
            "sequence in slot \(slot) would reach \(length) tokens; the cache holds \(capacity)"
        case .slotCountMismatch(let expected, let got): "\(got) feeds for a cache of \(expected) slots"
        case .cacheUnavailable(let slots, let tokens):
            "cannot reserve a KV cache of \(slots) slots x \(tokens) tokens (lower the batch size or the context)"
        }
    }
}
