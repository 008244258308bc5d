/// A checkpoint's chat template with its special tokens: renders a
/// conversation to the exact text transformers'
/// `tokenizer.apply_chat_template(messages, tokenize=False, ...)` gives.
public struct ChatTemplate: Sendable {
    /// The template text (what the server hashes into an evaluation's config).
    public let source: String
    /// `bos_token`, `eos_token`, ... as transformers passes them to the
    /// template (the tokenizer's `special_tokens_map`).
    public var specialTokens: [String: String]
    let template: Template

    /// Parses `source`.
    public init(source: String, specialTokens: [String: String] = [:]) throws(ChatTemplateError) {
        self.source = source
        self.specialTokens = specialTokens
        do {
            template = try Template(source)
        } catch {
            throw .template(error)
        }
    }

    /// What `continue_final_message` appends to the final message, to find
    /// where that message ends in the rendered text (transformers' marker).
    static let continueTag = "CONTINUE_FINAL_MESSAGE_TAG "
    static let reasoningFields = ["reasoning_content", "thinking", "reasoning"]

    /// Renders a conversation as `apply_chat_template(..., tokenize=False)`.
    /// - Parameters:
    ///   - messages: the conversation: dicts with `role`, `content`, ...
    ///   - tools: JSON schemas of the tools, or nil (the template sees `None`).
    ///   - documents: retrieval documents, or nil.
    ///   - addGenerationPrompt: append the assistant header.
    ///   - continueFinalMessage: the field of the final message the model
    ///     continues (`"content"` for `continue_final_message=True`), or nil:
    ///     the text is cut right after that field's text.
    ///   - extra: more template variables (`enable_thinking`, `date_string`,
    ///     ...); they override the special tokens, as in transformers.
    ///   - environment: the globals (tests freeze `strftime_now`'s clock).
    public func render(
        messages: [Value], tools: [Value]? = nil, documents: [Value]? = nil, addGenerationPrompt: Bool = false,
        continueFinalMessage: String? = nil, extra: [String: Value] = [:],
        environment: Environment = .transformers()
    ) throws(ChatTemplateError) -> String {
        if messages.isEmpty {
            throw .invalidInput("Cannot apply chat template to an empty conversation. Provide at least one message.")
        }
        if continueFinalMessage != nil && addGenerationPrompt {
            throw .invalidInput(
                "continue_final_message and add_generation_prompt are not compatible. Use continue_final_message when you want the model to continue the final message, and add_generation_prompt when you want to add a header that will prompt it to start a new assistant message instead."
            )
        }
        var chat = try messages.map { m throws(ChatTemplateError) in try Self.normalize(m) }
        chat = chat.map(Self.aliasReasoning)
        var finalText: String?
        if let field = continueFinalMessage {
            finalText = try markFinalMessage(&chat, field: field)
        }
        var context: [String: Value] = [:]
        for (k, v) in specialTokens { context[k] = .string(v) }
        for (k, v) in extra { context[k] = v }
        context["messages"] = .list(chat.map(Value.dict))
        context["tools"] = tools.map(Value.list) ?? Value.none
        context["documents"] = documents.map(Value.list) ?? Value.none
        context["add_generation_prompt"] = .bool(addGenerationPrompt)
        var rendered: String
        do {
            rendered = try template.render(context, environment: environment)
        } catch {
            throw .template(error)
        }
        if let finalText { rendered = try cutAfterFinalMessage(rendered, finalText) }
        return rendered
    }

    /// A message as transformers passes it: a dict without its `None` keys.
    static func normalize(_ message: Value) throws(ChatTemplateError) -> ValueDict {
        guard case .dict(let d) = message else {
            throw .invalidInput(
                "Chat messages should be dicts, dataclasses or pydantic models, but got \(PythonFormat.repr(message)).")
        }
        var out = ValueDict()
        for e in d.entries where !e.value.isNone { out[e.key] = e.value }
        return out
    }

    /// transformers copies a message's reasoning (first of
    /// `reasoning_content`, `thinking`, `reasoning` that is set) to both
    /// `thinking` (first key) and `reasoning_content`.
    static func aliasReasoning(_ message: ValueDict) -> ValueDict {
        guard let reasoning = reasoningFields.lazy.compactMap({ message[$0] }).first(where: { !$0.isNone }) else {
            return message
        }
        var out = ValueDict()
        out["thinking"] = reasoning
        for e in message.entries { out[e.key] = e.value }
        out["reasoning_content"] = reasoning
        return out
    }

    /// Appends the continue marker to the final message's `field` (or its
    /// last text block) and returns the text being continued.
    private func markFinalMessage(_ chat: inout [ValueDict], field: String) throws(ChatTemplateError) -> String {
        let last = chat.count - 1
        guard let final = chat[last][field], !final.isNone else {
            throw .invalidInput("continue_final_message is set but the final message has no \"\(field)\" to continue!")
        }
        var fields = [field]
        if Self.reasoningFields.contains(field) {
            fields = Self.reasoningFields.filter { f in chat[last][f].map { Operators.equals($0, final) } ?? false }
        }
        if !fields.contains(where: { source.contains($0) }) {
            throw .invalidInput(
                "continue_final_message is set to \"\(field)\" but this is not an accepted field in the chat_template")
        }
        switch final {
        case .list(var blocks), .tuple(var blocks):
            for i in blocks.indices.reversed() {
                guard case .dict(var block) = blocks[i], case .string(let text)? = block["text"] else { continue }
                block["text"] = .string(text + Self.continueTag)
                blocks[i] = .dict(block)
                chat[last][field] = .list(blocks)
                return text
            }
            throw .invalidInput("continue_final_message is set but we could not find any text to continue in the final message!")
        case .string(let text):
            for f in fields { chat[last][f] = .string(text + Self.continueTag) }
            return text
        default:
            throw .invalidInput("continue_final_message needs the final message's \"\(field)\" to be text")
        }
    }

    /// Cuts the rendered text at the marker, as transformers does (and
    /// trims trailing whitespace when the template ate the marker's space).
    private func cutAfterFinalMessage(_ rendered: String, _ finalText: String) throws(ChatTemplateError) -> String {
        let tag = Self.continueTag
        let trimmedTag = StringMethods.strip(tag, nil)
        let trimmedFinal = StringMethods.strip(finalText, nil)
        let scalars = Array(rendered.unicodeScalars)
        let tagScalars = Array(trimmedTag.unicodeScalars)
        guard let tagAt = StringMethods.occurrences(scalars, tagScalars).last,
            trimmedFinal.isEmpty || !StringMethods.occurrences(scalars, Array(trimmedFinal.unicodeScalars)).isEmpty
        else {
            throw .invalidInput(
                "continue_final_message is set but the final message does not appear in the chat after applying the chat template! This can happen if the chat template deletes portions of the final message. Please verify the chat template and final message in your chat to ensure they are compatible.Final message to continue: \(trimmedFinal)\nRendered chat:\n\(rendered)"
            )
        }
        let head = StringMethods.text(scalars[..<tagAt])
        let full = Array(tag.unicodeScalars)
        if tagAt + full.count <= scalars.count, Array(scalars[tagAt..<(tagAt + full.count)]) == full {
            return head
        }
        return StringMethods.strip(head, nil, leading: false)
    }
}
