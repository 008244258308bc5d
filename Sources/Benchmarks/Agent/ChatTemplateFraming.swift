import Jinja

/// A checkpoint's own Jinja chat template as the agent's framing: the
/// system prompt (when not empty) and the question as two messages,
/// rendered with the generation prompt exactly as transformers'
/// `apply_chat_template(..., add_generation_prompt=True)` renders them, with
/// the evaluation's `chat_template_kwargs` (e.g. `enable_thinking`).
public struct ChatTemplateFraming: PromptFraming {
    /// The template.
    public var template: ChatTemplate
    /// Extra template variables.
    public var kwargs: [String: Value]

    /// Creates a framing.
    public init(template: ChatTemplate, kwargs: [String: Value] = [:]) {
        self.template = template
        self.kwargs = kwargs
    }

    /// The rendered conversation, ending where the assistant's reply starts.
    /// - Throws: `PromptFramingError` with the template's message when it raises.
    public func frame(system: String, question: String) throws(PromptFramingError) -> String {
        var messages: [Value] = []
        if !system.isEmpty { messages.append(["role": "system", "content": .string(system)]) }
        messages.append(["role": "user", "content": .string(question)])
        do {
            return try template.render(messages: messages, addGenerationPrompt: true, extra: kwargs)
        } catch {
            throw PromptFramingError("the chat template failed: \(error.message)")
        }
    }

    /// The template writes BOS itself.
    public var addsSpecialTokens: Bool { false }
}
