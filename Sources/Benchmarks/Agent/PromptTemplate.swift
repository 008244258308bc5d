/// How the system prompt and the question are laid out before the model's
/// reply in completion mode.
public enum PromptTemplate: String, Sendable, Hashable, Codable, CaseIterable {
    /// Qwen's ChatML framing, the default for remote models:
    /// `<|im_start|>system\n…<|im_end|>\n<|im_start|>user\n…<|im_end|>\n<|im_start|>assistant\n`.
    case chatml
    /// The system prompt, a blank line, the question and a newline: for the
    /// small built-in models, which know no chat markup.
    case plain

    /// The text the model continues, before any generated token.
    /// - Parameters:
    ///   - system: the system prompt (may be empty).
    ///   - question: the user's question.
    /// - Returns: the rendered prompt.
    public func render(system: String, question: String) -> String {
        switch self {
        case .chatml:
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
