import Foundation

extension ChatTemplate {
    /// The named special tokens transformers passes to every template.
    static let specialTokenNames = [
        "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token",
    ]

    /// Loads a checkpoint directory's template as transformers'
    /// `AutoTokenizer.from_pretrained(dir)` + `get_chat_template` pick it:
    ///
    /// 1. `chat_template.jinja` (the "default") and
    ///    `additional_chat_templates/*.jinja` (named) win over
    ///    `tokenizer_config.json`'s `chat_template` (a string, or a list of
    ///    `{name, template}`);
    /// 2. with several templates: `name` if given and present, else
    ///    `tool_use` when tools are passed, else `default`.
    ///
    /// Special tokens come from `tokenizer_config.json` (a string or an
    /// AddedToken object's `content`; the named ones, other `*_token` keys and
    /// a dict `extra_special_tokens`), and from `special_tokens_map.json`
    /// when the config has no `added_tokens_decoder` (transformers' legacy path).
    public static func load(directory: URL, name: String? = nil, withTools: Bool = false) throws(ChatTemplateError)
        -> ChatTemplate
    {
        let config = try readJSONObject(directory.appendingPathComponent("tokenizer_config.json")) ?? ValueDict()
        var templates: [(name: String, text: String)] = []
        if let text = try readText(directory.appendingPathComponent("chat_template.jinja")) {
            templates.append(("default", text))
        }
        let extraDir = directory.appendingPathComponent("additional_chat_templates")
        if let files = try? FileManager.default.contentsOfDirectory(atPath: extraDir.path) {
            for file in files.sorted() where file.hasSuffix(".jinja") {
                if let text = try readText(extraDir.appendingPathComponent(file)) {
                    templates.append((String(file.dropLast(".jinja".count)), text))
                }
            }
        }
        if templates.isEmpty { templates = try configTemplates(config) }
        let source = try select(templates, name: name, withTools: withTools)
        var legacy: ValueDict?
        if config["added_tokens_decoder"] == nil {
            legacy = try readJSONObject(directory.appendingPathComponent("special_tokens_map.json"))
        }
        return try ChatTemplate(source: source, specialTokens: specialTokens(config, legacy: legacy))
    }

    /// The template a `tokenizer_config.json` holds (a string, or a list of
    /// named templates: `name`, else `default`), with its special tokens:
    /// for a model known only by its config, e.g. behind an endpoint.
    /// - Parameters:
    ///   - text: the file's JSON text.
    ///   - name: the named template to use, if the config has several.
    /// - Throws: `ChatTemplateError.missingTemplate` when it has none,
    ///   `.invalidCheckpoint` when it is malformed, `.template` when the
    ///   template does not parse.
    public static func load(tokenizerConfig text: String, name: String? = nil) throws(ChatTemplateError) -> ChatTemplate {
        let value: Value
        do {
            value = try Value(json: text)
        } catch {
            throw .invalidCheckpoint("tokenizer_config.json: \(error.message)")
        }
        guard case .dict(let config) = value else { throw .invalidCheckpoint("tokenizer_config.json is not a JSON object") }
        let source = try select(try configTemplates(config), name: name, withTools: false)
        return try ChatTemplate(source: source, specialTokens: specialTokens(config, legacy: nil))
    }

    private static func configTemplates(_ config: ValueDict) throws(ChatTemplateError) -> [(name: String, text: String)] {
        var templates: [(name: String, text: String)] = []
        switch config["chat_template"] {
        case .string(let text)?: templates = [("default", text)]
        case .list(let entries)?:
            for entry in entries {
                guard case .dict(let d) = entry, case .string(let n)? = d["name"], case .string(let t)? = d["template"]
                else { throw .invalidCheckpoint("tokenizer_config.json: chat_template entries need \"name\" and \"template\"") }
                templates.append((n, t))
            }
        case nil, .none?: break
        default: throw .invalidCheckpoint("tokenizer_config.json: chat_template must be a string or a list")
        }
        return templates
    }

    private static func select(_ templates: [(name: String, text: String)], name: String?, withTools: Bool)
        throws(ChatTemplateError) -> String
    {
        func named(_ n: String) -> String? { templates.last { $0.name == n }?.text }
        if templates.count == 1, templates[0].name == "default", name == nil { return templates[0].text }
        if templates.isEmpty {
            throw .missingTemplate(
                "Cannot use chat template functions because tokenizer.chat_template is not set and no template argument was passed! For information about writing templates and setting the tokenizer.chat_template attribute, please see the documentation at https://huggingface.co/docs/transformers/main/en/chat_templating"
            )
        }
        if let name {
            guard let t = named(name) else {
                throw .missingTemplate("This model has no chat template named \(PythonFormat.string(name)). Available template names are \(availableNames(templates)).")
            }
            return t
        }
        if withTools, let t = named("tool_use") { return t }
        if let t = named("default") { return t }
        throw .missingTemplate(
            "This model has multiple chat templates with no default specified! Please either pass a chat template or the name of the template you wish to use to the `chat_template` argument. Available template names are \(availableNames(templates))."
        )
    }

    private static func availableNames(_ templates: [(name: String, text: String)]) -> String {
        PythonFormat.repr(.list(Array(Set(templates.map(\.name))).sorted().map { .string($0) }))
    }

    private static func specialTokens(_ config: ValueDict, legacy: ValueDict?) -> [String: String] {
        var sources = [config]
        if let legacy { sources.append(legacy) }
        func content(_ v: Value?) -> String? {
            switch v {
            case .string(let s)?: return s
            case .dict(let d)?: if case .string(let s)? = d["content"] { return s } else { return nil }
            default: return nil
            }
        }
        var tokens: [String: String] = [:]
        for source in sources {
            for name in specialTokenNames {
                if case .none? = source[name] { tokens[name] = nil }
                if let s = content(source[name]) { tokens[name] = s }
            }
        }
        // transformers 5 also names "model-specific" tokens: any other
        // `*_token` key of the config, and `extra_special_tokens` given as a dict.
        for e in config.entries {
            guard case .string(let key) = e.key, key.hasSuffix("_token"), !specialTokenNames.contains(key) else { continue }
            if let s = content(e.value) { tokens[key] = s }
        }
        if case .dict(let extra)? = config["extra_special_tokens"] {
            for e in extra.entries {
                if case .string(let key) = e.key, let s = content(e.value) { tokens[key] = s }
            }
        }
        return tokens
    }

    private static func readText(_ url: URL) throws(ChatTemplateError) -> String? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .invalidCheckpoint("cannot read \(url.lastPathComponent)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalidCheckpoint("\(url.lastPathComponent) is not UTF-8")
        }
        return text
    }

    private static func readJSONObject(_ url: URL) throws(ChatTemplateError) -> ValueDict? {
        guard let text = try readText(url) else { return nil }
        let value: Value
        do {
            value = try Value(json: text)
        } catch {
            throw .invalidCheckpoint("\(url.lastPathComponent): \(error.message)")
        }
        guard case .dict(let d) = value else {
            throw .invalidCheckpoint("\(url.lastPathComponent) is not a JSON object")
        }
        return d
    }
}
