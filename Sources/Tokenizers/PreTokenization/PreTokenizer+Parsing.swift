extension PreTokenizer {
    /// Reads a `pre_tokenizer` object; `null` is no pre-tokenizer.
    static func parse(_ node: JSONNode, path: String) throws(TokenizerLoadError) -> PreTokenizer? {
        if node.isNull { return nil }
        guard let type = node.typeName else { throw .invalidField(path: path + ".type", expected: "a pre-tokenizer type") }
        switch type {
        case "Sequence":
            guard let items = node["pretokenizers"]?.array else {
                throw .invalidField(path: path + ".pretokenizers", expected: "an array")
            }
            var steps: [PreTokenizer] = []
            for (index, item) in items.enumerated() {
                if let step = try parse(item, path: "\(path).pretokenizers[\(index)]") { steps.append(step) }
            }
            return .sequence(steps)
        case "Split":
            let behaviorName = node["behavior"]?.string ?? ""
            guard let behavior = Behavior(rawValue: behaviorName) else {
                throw .invalidField(path: path + ".behavior", expected: "Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous")
            }
            let pattern = try SplitPattern.parse(node["pattern"], path: path + ".pattern")
            return .split(pattern, behavior, invert: node["invert"]?.bool ?? false)
        case "ByteLevel":
            return .byteLevel(addPrefixSpace: node["add_prefix_space"]?.bool ?? true, useRegex: node["use_regex"]?.bool ?? true)
        case "Metaspace":
            let replacementText = node["replacement"]?.string ?? "\u{2581}"
            guard replacementText.unicodeScalars.count == 1, let replacement = replacementText.unicodeScalars.first else {
                throw .invalidField(path: path + ".replacement", expected: "one character")
            }
            let scheme: PrependScheme
            if let name = node["prepend_scheme"]?.string {
                guard let parsed = PrependScheme(rawValue: name) else {
                    throw .invalidField(path: path + ".prepend_scheme", expected: "first, always or never")
                }
                scheme = parsed
            } else {
                // Files written before `prepend_scheme` existed say `add_prefix_space`.
                scheme = (node["add_prefix_space"]?.bool ?? true) ? .always : .never
            }
            return .metaspace(replacement: replacement.value, prependScheme: scheme, split: node["split"]?.bool ?? true)
        default:
            throw .unsupportedPreTokenizer(type)
        }
    }
}
