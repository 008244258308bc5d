/// The post-processors of `tokenizer.json` this library implements, applied
/// by `encode(_:addSpecialTokens: true)` to a single sequence.
indirect enum PostProcessor: Sendable {
    /// One element of a `TemplateProcessing` template.
    enum Piece: Sendable, Equatable {
        /// The ids of a special token (`SpecialToken` with its `ids` list).
        case special(name: String, ids: [Int])
        /// The encoded input (`Sequence` "A").
        case sequence
    }

    case sequence([PostProcessor])
    case template(single: [Piece])
    /// Only trims offsets, which this library does not compute: ids are unchanged.
    case byteLevel

    /// Reads a `post_processor` object; `null` is none.
    static func parse(_ node: JSONNode, path: String) throws(TokenizerLoadError) -> PostProcessor? {
        if node.isNull { return nil }
        guard let type = node.typeName else { throw .invalidField(path: path + ".type", expected: "a post-processor type") }
        switch type {
        case "Sequence":
            guard let items = node["processors"]?.array else { throw .invalidField(path: path + ".processors", expected: "an array") }
            var steps: [PostProcessor] = []
            for (index, item) in items.enumerated() {
                if let step = try parse(item, path: "\(path).processors[\(index)]") { steps.append(step) }
            }
            return .sequence(steps)
        case "ByteLevel":
            return .byteLevel
        case "TemplateProcessing":
            guard let single = node["single"]?.array else { throw .invalidField(path: path + ".single", expected: "an array") }
            var pieces: [Piece] = []
            for (index, item) in single.enumerated() {
                if item["Sequence"] != nil {
                    pieces.append(.sequence)
                } else if let name = item["SpecialToken"]?["id"]?.string {
                    guard let ids = node["special_tokens"]?[name]?["ids"]?.array?.compactMap(\.int) else {
                        throw .invalidField(path: "\(path).special_tokens.\(name).ids", expected: "the ids of \(name)")
                    }
                    pieces.append(.special(name: name, ids: ids))
                } else {
                    throw .invalidField(path: "\(path).single[\(index)]", expected: "a Sequence or a SpecialToken")
                }
            }
            return .template(single: pieces)
        default:
            throw .unsupportedPostProcessor(type)
        }
    }

    /// The ids with the template's special tokens around them.
    func apply(_ ids: [Int]) -> [Int] {
        switch self {
        case .sequence(let steps): steps.reduce(ids) { $1.apply($0) }
        case .byteLevel: ids
        case .template(let pieces):
            pieces.flatMap { piece -> [Int] in
                switch piece {
                case .sequence: ids
                case .special(_, let specialIDs): specialIDs
                }
            }
        }
    }

    /// The special token a template puts first, if any (the BOS of Llama-style templates).
    var leadingSpecialToken: (name: String, id: Int)? {
        switch self {
        case .sequence(let steps): steps.lazy.compactMap(\.leadingSpecialToken).first
        case .byteLevel: nil
        case .template(let pieces):
            if case .special(let name, let ids)? = pieces.first, ids.count == 1 { (name, ids[0]) } else { nil }
        }
    }
}
