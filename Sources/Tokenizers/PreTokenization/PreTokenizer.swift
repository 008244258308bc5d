/// The pre-tokenizers of `tokenizer.json` this library implements: they cut
/// normalized text into pieces the model encodes one by one.
indirect enum PreTokenizer: Sendable {
    /// How `Split` treats the matched delimiters.
    enum Behavior: String, Sendable {
        case removed = "Removed", isolated = "Isolated", mergedWithPrevious = "MergedWithPrevious"
        case mergedWithNext = "MergedWithNext", contiguous = "Contiguous"
    }

    /// When `Metaspace` prepends its replacement character.
    enum PrependScheme: String, Sendable {
        case always, first, never
    }

    case sequence([PreTokenizer])
    case split(SplitPattern, Behavior, invert: Bool)
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    case metaspace(replacement: UInt32, prependScheme: PrependScheme, split: Bool)

    /// A piece of text on its way to the model. `atOrigin` says it starts
    /// at offset 0 of the input (Metaspace's `first` scheme asks).
    struct Piece: Sendable {
        var scalars: [UInt32]
        var atOrigin: Bool
    }

    private static let gpt2 = ContractionWordPattern(family: .gpt2)

    /// Splits (and, for ByteLevel and Metaspace, rewrites) the pieces; empty pieces are dropped.
    func apply(_ pieces: [Piece]) -> [Piece] {
        switch self {
        case .sequence(let steps):
            return steps.reduce(pieces) { $1.apply($0) }
        case .split(let pattern, let behavior, let invert):
            return pieces.flatMap { piece in
                Self.split(piece, matches: pattern.matches(in: piece.scalars), behavior: behavior, invert: invert)
            }
        case .byteLevel(let addPrefixSpace, let useRegex):
            let split: [Piece] = pieces.flatMap { original -> [Piece] in
                var piece = original
                // The library's `prepend` rewrites the first character: an empty piece stays empty.
                if addPrefixSpace, let first = piece.scalars.first, first != 0x20 { piece.scalars.insert(0x20, at: 0) }
                guard useRegex else { return piece.scalars.isEmpty ? [] : [piece] }
                return Self.split(piece, matches: Self.gpt2.matches(in: piece.scalars), behavior: .isolated, invert: false)
            }
            return split.map { Piece(scalars: ByteLevelAlphabet.encode($0.scalars), atOrigin: $0.atOrigin) }
        case .metaspace(let replacement, let scheme, let splitOnReplacement):
            return pieces.flatMap { original -> [Piece] in
                var piece = original
                piece.scalars = piece.scalars.map { $0 == 0x20 ? replacement : $0 }
                let prepend = switch scheme {
                case .always: piece.scalars.first != replacement
                case .first: piece.scalars.first != replacement && piece.atOrigin
                case .never: false
                }
                if prepend, !piece.scalars.isEmpty { piece.scalars.insert(replacement, at: 0) }
                guard splitOnReplacement else { return piece.scalars.isEmpty ? [] : [piece] }
                let matches = piece.scalars.indices.filter { piece.scalars[$0] == replacement }.map { $0..<($0 + 1) }
                return Self.split(piece, matches: matches, behavior: .mergedWithNext, invert: false)
            }
        }
    }

    /// Cuts one piece at `matches` the way `NormalizedString::split` does for each behavior.
    static func split(_ piece: Piece, matches: [Range<Int>], behavior: Behavior, invert: Bool) -> [Piece] {
        let n = piece.scalars.count
        guard n > 0 else { return [] }
        // Cover the whole piece with (range, isMatch) in order.
        var parts: [(range: Range<Int>, isMatch: Bool)] = []
        var previous = 0
        for match in matches {
            if previous < match.lowerBound { parts.append((previous..<match.lowerBound, invert)) }
            parts.append((match, !invert))
            previous = match.upperBound
        }
        if previous < n { parts.append((previous..<n, invert)) }

        var kept: [Range<Int>] = []
        switch behavior {
        case .isolated: kept = parts.map(\.range)
        case .removed: kept = parts.filter { !$0.isMatch }.map(\.range)
        case .contiguous:
            var last: Bool?
            for part in parts {
                if part.isMatch == last, let tail = kept.popLast() {
                    kept.append(tail.lowerBound..<part.range.upperBound)
                } else {
                    kept.append(part.range)
                }
                last = part.isMatch
            }
        case .mergedWithPrevious:
            var previousWasMatch = false
            for part in parts {
                if part.isMatch, !previousWasMatch, let tail = kept.popLast() {
                    kept.append(tail.lowerBound..<part.range.upperBound)
                } else {
                    kept.append(part.range)
                }
                previousWasMatch = part.isMatch
            }
        case .mergedWithNext:
            var nextWasMatch = false
            for part in parts.reversed() {
                if part.isMatch, !nextWasMatch, let head = kept.popLast() {
                    kept.append(part.range.lowerBound..<head.upperBound)
                } else {
                    kept.append(part.range)
                }
                nextWasMatch = part.isMatch
            }
            kept.reverse()
        }
        return kept.filter { !$0.isEmpty }.map {
            Piece(scalars: Array(piece.scalars[$0]), atOrigin: piece.atOrigin && $0.lowerBound == 0)
        }
    }
}
