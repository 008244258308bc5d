/// How the system prompt and the question are laid out before the model's
/// reply: a fixed framing rendered here (`chatml`, `plain`), or the model's
/// own chat template (`model`: rendered from the checkpoint's template;
/// `server`: left to an endpoint's `/chat/completions`).
public enum PromptTemplate: String, Sendable, Hashable, Codable, CaseIterable {
    /// Qwen's ChatML framing, used only when asked for by name:
    /// `<|im_start|>system\n…<|im_end|>\n<|im_start|>user\n…<|im_end|>\n<|im_start|>assistant\n`.
    case chatml
    /// The system prompt, a blank line, the question and a newline: for the
    /// small built-in models, which know no chat markup.
    case plain
    /// The checkpoint's own chat template (`ChatTemplateFraming`); the
    /// evaluation resolves it to the template text, hashed into its config.
    case model
    /// The endpoint applies the model's template: calls go to
    /// `/chat/completions` with `continue_final_message`. Rendered here as
    /// ChatML only to estimate the prompt's length.
    case server

    /// The text the model continues, before any generated token (for
    /// `.model` and `.server`, ChatML: a length estimate only).
    /// - Parameters:
    ///   - system: the system prompt (may be empty).
    ///   - question: the user's question.
    /// - Returns: the rendered prompt.
    public func render(system: String, question: String) -> String {
        switch self {
        case .chatml, .model, .server:
            var text = ""
            if !system.isEmpty {
                text += "<|im_start|>system\n\(system)<|im_end|>\n"
            }
            text += "<|im_start|>user\n\(question)<|im_end|>\n<|im_start|>assistant\n"
            return text
        case .plain:
            return system.isEmpty ? "\(question)\n" : "\(system)\n\n\(question)\n"
        }
    }
}
