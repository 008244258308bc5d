import Foundation
import Jinja
import Trainer

/// What a checkpoint brings to its evaluations beyond its weights: the
/// model's chat template and its sampling defaults.
package struct CheckpointProfile: Sendable {
    /// The chat template (an `hf` directory's, or the one an endpoint was
    /// registered with); nil when the checkpoint has none.
    package var chatTemplate: ChatTemplate?
    /// `generation_config.json` of an `hf` directory.
    package var generationDefaults: HFGenerationDefaults?

    package init(chatTemplate: ChatTemplate? = nil, generationDefaults: HFGenerationDefaults? = nil) {
        self.chatTemplate = chatTemplate
        self.generationDefaults = generationDefaults
    }

    /// Reads the profile of `checkpoint`.
    /// - Parameters:
    ///   - checkpoint: the checkpoint.
    ///   - store: where endpoint templates are kept.
    ///   - directory: where `hf` directories are (`checkpoints/<digest>/`).
    /// - Throws: `CoreError.invalid` when the checkpoint's template or
    ///   generation config cannot be read.
    package static func load(
        _ checkpoint: CheckpointView, store: CheckpointStore, directory: URL
    ) async throws -> CheckpointProfile {
        switch checkpoint.kind {
        case .endpoint:
            guard let stored = try await store.endpointChatTemplate(id: checkpoint.id) else { return CheckpointProfile() }
            do {
                return CheckpointProfile(chatTemplate: try ChatTemplate(source: stored.source, specialTokens: stored.specialTokens))
            } catch {
                throw CoreError.invalid("invalid_chat_template", "checkpoint \(checkpoint.id): \(error.message)")
            }
        case .hf:
            let root = directory.appendingPathComponent(checkpoint.digest ?? "", isDirectory: true)
            let id = checkpoint.id
            return try await BlockingWork.run {
                let template: ChatTemplate?
                do {
                    template = try ChatTemplate.load(directory: root)
                } catch ChatTemplateError.missingTemplate {
                    template = nil
                } catch let error as ChatTemplateError {
                    throw CoreError.invalid("invalid_chat_template", "checkpoint \(id): \(error.message)")
                }
                do {
                    return CheckpointProfile(chatTemplate: template, generationDefaults: try HFGenerationDefaults(directory: root))
                } catch {
                    throw CoreError.invalid("invalid_checkpoint", "checkpoint \(id): \(error)")
                }
            }
        case .file:
            return CheckpointProfile()
        }
    }
}
