import Foundation
import Jinja
import Tokenizers

/// A Hugging Face checkpoint directory ready to serve: the model with its
/// memory-mapped weights, its `tokenizer.json`, its chat template (when it
/// has one) and its `generation_config.json` defaults.
///
/// Not `Sendable`: the model belongs to whichever engine is made from it.
public struct HFServedCheckpoint {
    /// The model (hand it to one `InferenceEngine`).
    public let model: HFModel
    /// The tokenizer.
    public let tokenizer: HFTokenizer
    /// The checkpoint's chat template, or nil when it has none.
    public let chatTemplate: ChatTemplate?

    /// The checkpoint's sampling defaults.
    public var generationDefaults: HFGenerationDefaults { model.generationDefaults }

    /// The chat format chat requests are rendered with: the template; a
    /// checkpoint without one cannot serve chat (vLLM refuses it too).
    public var chatFormat: ChatFormat { chatTemplate.map(ChatFormat.template) ?? .missing }

    /// Loads `directory`.
    /// - Parameters:
    ///   - directory: the checkpoint directory.
    ///   - threads: threads of the linear layers.
    ///   - maxContextLength: a limit below the config's context (vLLM's `--max-model-len`).
    /// - Throws: `HFServedCheckpointError` naming the file at fault.
    public init(directory: URL, threads: Int = 1, maxContextLength: Int? = nil) throws(HFServedCheckpointError) {
        do {
            model = try HFModel(directory: directory, threads: threads, maxContextLength: maxContextLength)
        } catch {
            throw .model(error)
        }
        do {
            tokenizer = try HFTokenizer(directory: directory)
        } catch {
            throw .tokenizer(error)
        }
        guard tokenizer.vocabularySize <= model.vocabularySize else {
            throw .vocabularyMismatch(tokenizer: tokenizer.vocabularySize, model: model.vocabularySize)
        }
        do {
            chatTemplate = try ChatTemplate.load(directory: directory)
        } catch .missingTemplate {
            chatTemplate = nil
        } catch {
            throw .chatTemplate(error)
        }
    }
}

/// Why a checkpoint directory cannot be served.
public enum HFServedCheckpointError: Error, Sendable, CustomStringConvertible {
    /// The config or the weights.
    case model(HFModelError)
    /// `tokenizer.json` / `tokenizer_config.json`.
    case tokenizer(TokenizerLoadError)
    /// The chat template is present but does not parse.
    case chatTemplate(ChatTemplateError)
    /// The tokenizer has ids the model has no embedding for.
    case vocabularyMismatch(tokenizer: Int, model: Int)

    public var description: String {
        switch self {
        case .model(let error): error.description
        case .tokenizer(let error): error.description
        case .chatTemplate(let error): "chat template: \(error.message)"
        case .vocabularyMismatch(let tokenizer, let model):
            "the tokenizer has \(tokenizer) ids but the model's vocabulary is \(model)"
        }
    }
}
