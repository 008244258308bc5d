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

extension Value {
    /// A JSON value as a template sees it (whole numbers as ints, like Python's `json`).
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .none
        case .bool(let b): self = .bool(b)
        case .number(let n):
            if n.rounded() == n, abs(n) < 9.0e15 { self = .int(Int(n)) } else { self = .float(n) }
        case .string(let text): self = .string(text)
        case .array(let items): self = .list(items.map(Value.init))
        case .object(let fields):
            self = .dict(ValueDict(fields.keys.sorted().map { ($0, Value(fields[$0] ?? .null)) }))
        }
    }
}
