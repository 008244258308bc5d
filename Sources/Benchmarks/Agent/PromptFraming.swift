/// How the system prompt and the question become the text a completion-mode
/// model continues, before any generated token: a named template
/// (`PromptTemplate`) or a checkpoint's own chat template
/// (`ChatTemplateFraming`).
public protocol PromptFraming: Sendable {
    /// The text the model continues.
    /// - Throws: `PromptFramingError` when the framing cannot render this
    ///   conversation (a chat template that raises).
    func frame(system: String, question: String) throws(PromptFramingError) -> String
    /// Whether the model's tokenizer should add its special tokens (BOS)
    /// when it encodes the framed text: true for text that has none of its
    /// own, false for a chat template's output, which writes them itself.
    var addsSpecialTokens: Bool { get }
}

/// A framing that could not render a prompt.
public struct PromptFramingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the template said.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension PromptTemplate: PromptFraming {
    /// `render(system:question:)`; `.model` must have been resolved to the
    /// checkpoint's template (`ChatTemplateFraming`) before.
    public func frame(system: String, question: String) throws(PromptFramingError) -> String {
        if self == .model {
            throw PromptFramingError("prompt_template \"model\" needs the checkpoint's chat template, which is not resolved")
        }
        return render(system: system, question: question)
    }

    /// The named templates are plain text: the tokenizer adds BOS where it does.
    public var addsSpecialTokens: Bool { true }
}
