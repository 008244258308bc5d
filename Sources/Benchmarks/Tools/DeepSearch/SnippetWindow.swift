import Foundation

/// The part of a page the summariser reads: a window of a fixed number of
/// characters around the place the search engine's snippet came from.
///
/// The place is found in three steps:
/// 1. exact: the longest piece of the snippet (snippets join pieces of the
///    page with `...`) of at least `minimumExactLength` characters found
///    verbatim in the page, ignoring case and line breaks;
/// 2. overlap: else the sentence sharing the most words with the snippet
///    (F1 of the two word sets above `minimumOverlap`; the first of equals);
/// 3. else the beginning of the page.
///
/// The window is centred on the place, moved inside the page when the place
/// is near an edge, and is the whole page when the page is not longer.
public enum SnippetWindow {
    /// How the window was placed.
    public enum Anchor: Sendable, Equatable {
        /// A piece of the snippet was found verbatim.
        case exact
        /// The sentence with the best word overlap (its F1).
        case overlap(Double)
        /// Nothing matched: the beginning of the page.
        case start
    }

    /// The shortest snippet piece looked up verbatim: shorter ones match by chance.
    public static let minimumExactLength = 12
    /// The word-overlap F1 a sentence must exceed (the AEPO authors' 0.2).
    public static let minimumOverlap = 0.2

    /// The window of `text` around `snippet`.
    /// - Parameters:
    ///   - text: the page text (lines separated by `\n`).
    ///   - snippet: the search engine's snippet (HTML highlights allowed).
    ///   - size: the window's length in characters (at least 1).
    /// - Returns: the window and how it was placed.
    public static func window(in text: String, around snippet: String, size: Int) -> (text: String, anchor: Anchor) {
        let characters = Array(text)
        let size = max(1, size)
        let (match, anchor) = locate(cleanedSnippet(snippet), in: text, characters: characters)
        guard characters.count > size else { return (text, anchor) }
        let start: Int
        if match.count >= size {
            start = match.lowerBound
        } else {
            let centred = match.lowerBound - (size - match.count) / 2
            start = max(0, min(centred, characters.count - size))
        }
        return (String(characters[start..<(start + size)]), anchor)
    }

    /// A snippet without the highlight tags engines put around the query's
    /// words (`<b>`, `<strong>`, `<em>`), character references decoded and
    /// whitespace collapsed. Other `<` are kept: a snippet is text.
    public static func cleanedSnippet(_ snippet: String) -> String {
        var text = snippet
        for tag in ["<b>", "</b>", "<strong>", "</strong>", "<em>", "</em>"] {
            text = text.replacingOccurrences(of: tag, with: "", options: .caseInsensitive)
        }
        return HTMLEntities.decode(text).collapsingWhitespace
    }

    /// Where the snippet came from, in character offsets of the page.
    static func locate(_ snippet: String, in text: String, characters: [Character]) -> (Range<Int>, Anchor) {
        let flat = String(characters.map { $0.isNewline ? " " : $0 })
        let pieces = snippet.components(separatedBy: "...").flatMap { $0.components(separatedBy: "…") }
            .map(\.trimmed).filter { $0.count >= minimumExactLength }.sorted { $0.count > $1.count }
        for piece in pieces {
            if let found = flat.range(of: piece, options: [.caseInsensitive]) {
                let start = flat.distance(from: flat.startIndex, to: found.lowerBound)
                return (start..<(start + flat.distance(from: found.lowerBound, to: found.upperBound)), .exact)
            }
        }
        let wanted = words(of: snippet)
        guard !wanted.isEmpty else { return (0..<0, .start) }
        var best: (range: Range<Int>, score: Double)?
        for sentence in sentences(of: characters) {
            let score = f1(wanted, words(of: String(characters[sentence])))
            if score > (best?.score ?? minimumOverlap) { best = (sentence, score) }
        }
        guard let best else { return (0..<0, .start) }
        return (best.range, .overlap(best.score))
    }

    /// The sentences of a page: cut after `.`, `!` or `?` followed by a
    /// space, after `。`, `！` or `？`, and at line breaks; trimmed.
    static func sentences(of characters: [Character]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        func close(_ end: Int) {
            var lower = start
            var upper = end
            while lower < upper, characters[lower].isWhitespace { lower += 1 }
            while upper > lower, characters[upper - 1].isWhitespace { upper -= 1 }
            if lower < upper { ranges.append(lower..<upper) }
            start = end
        }
        for (index, character) in characters.enumerated() {
            if character.isNewline {
                close(index)
            } else if "。！？".contains(character) {
                close(index + 1)
            } else if ".!?".contains(character), index + 1 < characters.count, characters[index + 1].isWhitespace {
                close(index + 1)
            }
        }
        close(characters.count)
        return ranges
    }

    /// The lower-cased words of `text`: runs of letters and digits, and
    /// each CJK character on its own (Chinese and Japanese have no spaces).
    static func words(of text: String) -> Set<String> {
        var words: Set<String> = []
        var current = ""
        for character in text.lowercased() {
            if QAScoring.isCJK(character) {
                if !current.isEmpty { words.insert(current) }
                current = ""
                words.insert(String(character))
            } else if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.insert(current)
                current = ""
            }
        }
        if !current.isEmpty { words.insert(current) }
        return words
    }

    /// The F1 of two word sets: the harmonic mean of the shares of each set
    /// found in the other, computed as 2·shared / (|snippet| + |sentence|).
    static func f1(_ snippet: Set<String>, _ sentence: Set<String>) -> Double {
        let common = snippet.intersection(sentence).count
        guard common > 0 else { return 0 }
        return Double(2 * common) / Double(snippet.count + sentence.count)
    }
}
