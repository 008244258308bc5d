/// Exact match and token F1 for open QA (BENCHMARKS.md, EM / F1), with
/// SQuAD normalisation and character tokens for Chinese, Japanese and
/// Korean text.
public enum QAScoring {
    /// SQuAD normalisation: lower case, punctuation removed (ASCII
    /// punctuation and symbols, and every Unicode punctuation mark such as
    /// `，` or `。`), the articles a / an / the removed, whitespace collapsed.
    /// - Parameter text: an answer or a prediction.
    /// - Returns: the normalised text.
    public static func normalize(_ text: String) -> String {
        tokens(of: text).joined(separator: " ")
    }

    /// The normalised tokens of `text`: each CJK character is a token of its
    /// own, every other run of non-space characters is a word; articles are
    /// dropped.
    public static func tokens(of text: String) -> [String] {
        var tokens: [String] = []
        var word = ""
        func flush() {
            if !word.isEmpty && !articles.contains(word) { tokens.append(word) }
            word = ""
        }
        for char in text.lowercased() where !isPunctuation(char) {
            if char.isWhitespace {
                flush()
            } else if isCJK(char) {
                flush()
                tokens.append(String(char))
            } else {
                word.append(char)
            }
        }
        flush()
        return tokens
    }

    /// `true` when the normalised prediction equals one of the aliases
    /// (compared token by token, so `北京 大学` equals `北京大学`).
    /// - Parameters:
    ///   - prediction: the extracted answer.
    ///   - aliases: the gold aliases.
    public static func exactMatch(prediction: String, aliases: [String]) -> Bool {
        let predicted = tokens(of: prediction)
        return aliases.contains { tokens(of: $0) == predicted }
    }

    /// The best token F1 of the prediction against any alias, in [0, 1].
    /// Two empty token lists score 1, one empty list scores 0.
    /// - Parameters:
    ///   - prediction: the extracted answer.
    ///   - aliases: the gold aliases.
    public static func f1(prediction: String, aliases: [String]) -> Double {
        let predicted = tokens(of: prediction)
        return aliases.map { f1(predicted, tokens(of: $0)) }.max() ?? 0
    }

    /// Token F1 between two token lists (multiset overlap).
    static func f1(_ predicted: [String], _ gold: [String]) -> Double {
        if predicted.isEmpty || gold.isEmpty { return predicted == gold ? 1 : 0 }
        var counts: [String: Int] = [:]
        for token in gold { counts[token, default: 0] += 1 }
        var common = 0
        for token in predicted {
            if let left = counts[token], left > 0 {
                common += 1
                counts[token] = left - 1
            }
        }
        guard common > 0 else { return 0 }
        let precision = Double(common) / Double(predicted.count)
        let recall = Double(common) / Double(gold.count)
        return 2 * precision * recall / (precision + recall)
    }

    static let articles: Set<String> = ["a", "an", "the"]

    /// ASCII punctuation and symbols (Python's `string.punctuation`) and all
    /// Unicode punctuation (`，`, `。`, `《`, ...).
    static func isPunctuation(_ char: Character) -> Bool {
        if char.isASCII { return char.isPunctuation || char.isSymbol }
        return char.isPunctuation
    }

    /// `true` for CJK ideographs, kana and Hangul syllables.
    public static func isCJK(_ char: Character) -> Bool {
        guard let scalar = char.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3040...0x30FF,  // Hiragana, Katakana
            0x3400...0x4DBF,  // CJK Extension A
            0x4E00...0x9FFF,  // CJK Unified Ideographs
            0xAC00...0xD7AF,  // Hangul syllables
            0xF900...0xFAFF,  // CJK Compatibility Ideographs
            0x20000...0x3134F:  // Extensions B-G
            return true
        default:
            return false
        }
    }
}
