/// Why a chat template could not be loaded or rendered.
public enum ChatTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template failed to parse, or raised while rendering (including
    /// `raise_exception(...)`): jinja2's message.
    case template(JinjaError)
    /// The checkpoint has no chat template, or none matching the requested
    /// name (transformers' `ValueError` text).
    case missingTemplate(String)
    /// A file of the checkpoint is unreadable or not the JSON expected.
    case invalidCheckpoint(String)
    /// The request itself is invalid (an empty conversation, a message that
    /// is not an object, `continue_final_message` misuse), with
    /// transformers' wording.
    case invalidInput(String)

    public var message: String {
        switch self {
        case .template(let e): e.message
        case .missingTemplate(let m), .invalidCheckpoint(let m), .invalidInput(let m): m
        }
    }

    public var description: String {
        if case .template(let e) = self { return e.description }
        return message
    }
}
