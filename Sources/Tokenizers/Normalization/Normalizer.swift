import Foundation

/// The normalizers of `tokenizer.json` this library implements, applied to
/// each stretch of input between raw-matched added tokens.
indirect enum Normalizer: Sendable {
    enum Form: Sendable { case nfc, nfd, nfkc, nfkd }

    case sequence([Normalizer])
    case unicode(Form)
    case lowercase
    case prepend([UInt32])
    case replace(SplitPattern, with: [UInt32])
    case strip(left: Bool, right: Bool)

    /// Reads a `normalizer` object; `null` is no normalizer.
    static func parse(_ node: JSONNode, path: String) throws(TokenizerLoadError) -> Normalizer? {
        if node.isNull { return nil }
        guard let type = node.typeName else { throw .invalidField(path: path + ".type", expected: "a normalizer type") }
        switch type {
        case "Sequence":
            guard let items = node["normalizers"]?.array else {
                throw .invalidField(path: path + ".normalizers", expected: "an array")
            }
            var steps: [Normalizer] = []
            for (index, item) in items.enumerated() {
                if let step = try parse(item, path: "\(path).normalizers[\(index)]") { steps.append(step) }
            }
            return .sequence(steps)
        case "NFC": return .unicode(.nfc)
        case "NFD": return .unicode(.nfd)
        case "NFKC": return .unicode(.nfkc)
        case "NFKD": return .unicode(.nfkd)
        case "Lowercase": return .lowercase
        case "Prepend":
            guard let text = node["prepend"]?.string else { throw .invalidField(path: path + ".prepend", expected: "a string") }
            return .prepend(text.unicodeScalars.map(\.value))
        case "Replace":
            guard let content = node["content"]?.string else { throw .invalidField(path: path + ".content", expected: "a string") }
            return .replace(try SplitPattern.parse(node["pattern"], path: path + ".pattern"), with: content.unicodeScalars.map(\.value))
        case "Strip":
            return .strip(left: node["strip_left"]?.bool ?? true, right: node["strip_right"]?.bool ?? true)
        default:
            throw .unsupportedNormalizer(type)
        }
    }

    /// The normalized form of `text`.
    func apply(_ text: [UInt32]) -> [UInt32] {
        switch self {
        case .sequence(let steps):
            return steps.reduce(text) { $1.apply($0) }
        case .unicode(let form):
            // Below U+0300 every character is its own NFC form and composes with
            // nothing before it: the common case skips Foundation.
            if form == .nfc, text.allSatisfy({ $0 < 0x300 }) { return text }
            if text.allSatisfy({ $0 < 0x80 }) { return text }
            let string = Self.string(text)
            let normalized = switch form {
            case .nfc: string.precomposedStringWithCanonicalMapping
            case .nfd: string.decomposedStringWithCanonicalMapping
            case .nfkc: string.precomposedStringWithCompatibilityMapping
            case .nfkd: string.decomposedStringWithCompatibilityMapping
            }
            return normalized.unicodeScalars.map(\.value)
        case .lowercase:
            return text.flatMap { value -> [UInt32] in
                guard let scalar = Unicode.Scalar(value) else { return [value] }
                return scalar.properties.lowercaseMapping.unicodeScalars.map(\.value)
            }
        case .prepend(let prefix):
            return text.isEmpty ? text : prefix + text
        case .replace(let pattern, let content):
            let matches = pattern.matches(in: text)
            guard !matches.isEmpty else { return text }
            var result: [UInt32] = []
            result.reserveCapacity(text.count)
            var previous = 0
            for match in matches {
                result.append(contentsOf: text[previous..<match.lowerBound])
                result.append(contentsOf: content)
                previous = match.upperBound
            }
            result.append(contentsOf: text[previous...])
            return result
        case .strip(let left, let right):
            var start = 0, end = text.count
            if left { while start < end, UnicodeClass.isWhitespace(text[start]) { start += 1 } }
            if right { while end > start, UnicodeClass.isWhitespace(text[end - 1]) { end -= 1 } }
            return Array(text[start..<end])
        }
    }

    static func string(_ values: [UInt32]) -> String {
        var view = String.UnicodeScalarView()
        for value in values { view.append(Unicode.Scalar(value) ?? "\u{FFFD}") }
        return String(view)
    }
}
