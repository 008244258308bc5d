/// Why a Hugging Face `config.json` or `generation_config.json` was refused.
/// Every case names the field (dotted path) or file it is about.
public enum HFConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not a JSON object.
    case invalidJSON(file: String, reason: String)
    /// A field the model needs is absent or null.
    case missingField(String)
    /// A field has the wrong type or an impossible value.
    case invalidField(String, reason: String)
    /// `architectures` names no model the built-in engine runs.
    case unsupportedArchitecture(String)
    /// The configuration asks for something the built-in engine does not do
    /// (another activation, another RoPE type, ...).
    case unsupportedFeature(String, reason: String)

    public var description: String {
        switch self {
        case .invalidJSON(let file, let reason): "\(file) is not a valid JSON object: \(reason)"
        case .missingField(let field): "config field \"\(field)\" is required"
        case .invalidField(let field, let reason): "config field \"\(field)\" \(reason)"
        case .unsupportedArchitecture(let name):
            "architecture \"\(name)\" is not run by the built-in engine (supported: "
                + HFArchitecture.supported.sorted().joined(separator: ", ") + ")"
        case .unsupportedFeature(let field, let reason): "config field \"\(field)\": \(reason)"
        }
    }
}
