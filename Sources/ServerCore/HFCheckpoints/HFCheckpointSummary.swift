/// What validation learnt of an `hf` checkpoint, as stored and shown.
package struct HFCheckpointSummary: Sendable, Equatable {
    /// The first of `config.json`'s `architectures`, e.g. `Qwen3ForCausalLM`.
    package var architecture: String?
    /// `config.json`'s `model_type`, e.g. `qwen3`.
    package var modelType: String?
    /// Elements in all the weight tensors.
    package var parameters: Int64
    /// Number of weight tensors.
    package var tensors: Int
    /// The dtype holding most parameters, spelled as torch does (`bfloat16`).
    package var dtype: String
    /// The longest sequence the config allows, when it says.
    package var contextLength: Int?
    /// Whether the checkpoint ships its own chat template.
    package var hasChatTemplate: Bool
    /// Engines that can run it: `["builtin"]` or none.
    package var runnableBy: [String]
    /// Why no engine runs it, when none does.
    package var message: String?
}
