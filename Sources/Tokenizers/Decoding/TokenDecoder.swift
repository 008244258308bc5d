/// The decoders of `tokenizer.json` this library implements: they turn the
/// token strings of ids back into text, each step rewriting the list of
/// strings (`decode_chain` in the library) before they are concatenated.
indirect enum TokenDecoder: Sendable {
    case sequence([TokenDecoder])
    case byteLevel
    case metaspace(replacement: UInt32, prependScheme: PreTokenizer.PrependScheme)
    case replace(SplitPattern, with: [UInt32])
    case byteFallback
    case fuse
    case strip(character: UInt32, start: Int, stop: Int)

    /// Reads a `decoder` object; `null` is no decoder (tokens joined by spaces).
    static func parse(_ node: JSONNode, path: String) throws(TokenizerLoadError) -> TokenDecoder? {
        if node.isNull { return nil }
        guard let type = node.typeName else { throw .invalidField(path: path + ".type", expected: "a decoder type") }
        switch type {
        case "Sequence":
            guard let items = node["decoders"]?.array else { throw .invalidField(path: path + ".decoders", expected: "an array") }
            var steps: [TokenDecoder] = []
            for (index, item) in items.enumerated() {
                if let step = try parse(item, path: "\(path).decoders[\(index)]") { steps.append(step) }
            }
            return .sequence(steps)
        case "ByteLevel": return .byteLevel
        case "ByteFallback": return .byteFallback
        case "Fuse": return .fuse
        case "Metaspace":
            guard case .metaspace(let replacement, let scheme, _)? = try PreTokenizer.parse(node, path: path) else {
                throw .invalidField(path: path, expected: "a Metaspace decoder")
            }
            return .metaspace(replacement: replacement, prependScheme: scheme)
        case "Replace":
            guard let content = node["content"]?.string else { throw .invalidField(path: path + ".content", expected: "a string") }
            return .replace(try SplitPattern.parse(node["pattern"], path: path + ".pattern"), with: content.unicodeScalars.map(\.value))
        case "Strip":
            guard let content = node["content"]?.string, content.unicodeScalars.count == 1,
                  let character = content.unicodeScalars.first else {
                throw .invalidField(path: path + ".content", expected: "one character")
            }
            return .strip(character: character.value, start: node["start"]?.int ?? 0, stop: node["stop"]?.int ?? 0)
        default:
            throw .unsupportedDecoder(type)
        }
    }

    /// The decoded text of `tokens`.
    func decode(_ tokens: [[UInt32]]) -> String {
        switch self {
        case .byteLevel:
            // One step that yields one string: invalid UTF-8 becomes U+FFFD, as `from_utf8_lossy` does.
            return String(decoding: Self.byteLevelBytes(tokens), as: UTF8.self)
        default:
            var text = String.UnicodeScalarView()
            for token in chain(tokens) {
                for value in token { text.append(Unicode.Scalar(value) ?? "\u{FFFD}") }
            }
            return String(text)
        }
    }

    private static func byteLevelBytes(_ tokens: [[UInt32]]) -> [UInt8] {
        var bytes: [UInt8] = []
        for token in tokens {
            if let decoded = ByteLevelAlphabet.bytes(of: token.lazy.compactMap(Unicode.Scalar.init)) {
                bytes.append(contentsOf: decoded)
            } else {
                bytes.append(contentsOf: UTF8Bytes.encode(token))
            }
        }
        return bytes
    }

    /// One decoder's rewrite of the token list.
    func chain(_ tokens: [[UInt32]]) -> [[UInt32]] {
        switch self {
        case .sequence(let steps):
            return steps.reduce(tokens) { $1.chain($0) }
        case .byteLevel:
            let text = String(decoding: Self.byteLevelBytes(tokens), as: UTF8.self)
            return [text.unicodeScalars.map(\.value)]
        case .fuse:
            return [tokens.flatMap { $0 }]
        case .replace(let pattern, let content):
            return tokens.map { Normalizer.replace(pattern, with: content).apply($0) }
        case .strip(let character, let start, let stop):
            return tokens.map { token in
                var from = 0
                while from < min(start, token.count), token[from] == character { from += 1 }
                var to = token.count
                while token.count - to < stop, to > from, token[to - 1] == character { to -= 1 }
                return Array(token[from..<to])
            }
        case .metaspace(let replacement, let scheme):
            return tokens.enumerated().map { index, token in
                token.compactMap { value -> UInt32? in
                    guard value == replacement else { return value }
                    return index == 0 && scheme != .never ? nil : 0x20
                }
            }
        case .byteFallback:
            return Self.byteFallback(tokens)
        }
    }

    /// Whether a `ByteFallback` step is part of this decoder.
    var containsByteFallback: Bool {
        switch self {
        case .byteFallback: true
        case .sequence(let steps): steps.contains { $0.containsByteFallback }
        default: false
        }
    }

    /// Runs of `<0xNN>` tokens become their UTF-8 text, or one U+FFFD per byte when invalid.
    private static func byteFallback(_ tokens: [[UInt32]]) -> [[UInt32]] {
        var result: [[UInt32]] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let text = String(validating: pending, as: UTF8.self) {
                result.append(text.unicodeScalars.map(\.value))
            } else {
                result.append(contentsOf: repeatElement([0xFFFD], count: pending.count))
            }
            pending.removeAll()
        }
        for token in tokens {
            if let byte = byteToken(token) {
                pending.append(byte)
            } else {
                flush()
                result.append(token)
            }
        }
        flush()
        return result
    }

    /// The byte of a `<0xNN>` token (six bytes long, hexadecimal either case).
    static func byteToken(_ token: [UInt32]) -> UInt8? {
        guard token.count == 6, token[0] == 0x3C, token[1] == 0x30, token[2] == 0x78, token[5] == 0x3E else { return nil }
        func digit(_ c: UInt32) -> UInt8? {
            switch c {
            case 0x30...0x39: UInt8(c - 0x30)
            case 0x41...0x46: UInt8(c - 0x41 + 10)
            case 0x61...0x66: UInt8(c - 0x61 + 10)
            default: nil
            }
        }
        guard let high = digit(token[3]), let low = digit(token[4]) else { return nil }
        return high << 4 | low
    }
}
