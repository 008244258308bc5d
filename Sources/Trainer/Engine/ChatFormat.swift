import Benchmarks
import Jinja

/// How a served model turns a chat request's messages into the text it
/// continues: the checkpoint's own Jinja chat template, rendered as
/// transformers' `apply_chat_template` renders it, or aepo-gpt's `.plain`
/// framing (a byte-level model that knows no chat markup).
public enum ChatFormat: Sendable {
    /// aepo-gpt: the system messages, a blank line, the user messages; with
    /// `continue_final_message`, the final assistant message continued.
    case plain
    /// A Hugging Face checkpoint's chat template.
    case template(ChatTemplate)
    /// A checkpoint without a chat template: chat requests are refused (as
    /// vLLM refuses them since transformers dropped default templates).
    case missing

    /// The template text, for `.template`.
    public var templateSource: String? {
        if case .template(let template) = self { return template.source }
        return nil
    }

    /// The prompt of a conversation.
    /// - Parameters:
    ///   - messages: the request's messages as JSON values (`role`, `content`, `tool_calls`, ...).
    ///   - tools: the request's tool schemas, if any.
    ///   - addGenerationPrompt: append the assistant header (vLLM's default).
    ///   - continueFinalMessage: leave the final (assistant) message open.
    ///   - kwargs: `chat_template_kwargs` (e.g. `enable_thinking`).
    /// - Throws: `OpenAIServingError.badRequest` with the template's message
    ///   when it raises or the messages do not fit it.
    public func render(
        messages: [Value], tools: [Value]? = nil, addGenerationPrompt: Bool, continueFinalMessage: Bool,
        kwargs: [String: Value] = [:]
    ) throws(OpenAIServingError) -> String {
        switch self {
        case .missing:
            throw .badRequest(
                "this model has no chat template (tokenizer_config.json chat_template or chat_template.jinja); "
                    + "use /v1/completions with a prompt you render")
        case .plain:
            return try Self.renderPlain(messages, continueFinalMessage: continueFinalMessage)
        case .template(let template):
            do {
                return try template.render(
                    messages: messages, tools: tools, addGenerationPrompt: addGenerationPrompt && !continueFinalMessage,
                    continueFinalMessage: continueFinalMessage ? "content" : nil, extra: kwargs)
            } catch {
                throw .badRequest("the chat template failed: \(error.message)")
            }
        }
    }

    private static func renderPlain(_ messages: [Value], continueFinalMessage: Bool) throws(OpenAIServingError) -> String {
        var turns: [(role: String, content: String)] = []
        for message in messages {
            guard case .dict(let fields) = message, case .string(let role)? = fields["role"] else {
                throw .badRequest("every message needs a \"role\"")
            }
            switch fields["content"] {
            case .string(let text)?: turns.append((role, text))
            case .none?, nil: turns.append((role, ""))
            default: throw .badRequest("the built-in model takes text message contents only")
            }
        }
        let system = turns.filter { $0.role == "system" }.map(\.content).joined(separator: "\n")
        let user = turns.filter { $0.role == "user" }.map(\.content).joined(separator: "\n")
        var prompt = PromptTemplate.plain.render(system: system, question: user)
        if continueFinalMessage, let last = turns.last, last.role == "assistant" {
            prompt += last.content
        }
        return prompt
    }
}
