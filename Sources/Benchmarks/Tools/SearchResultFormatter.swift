/// Turns search hits into the text the model sees inside `<result>`.
public enum SearchResultFormatter {
    /// The result of a search that found nothing.
    public static let noResults = "No results found."

    /// Numbered passages, one per line, in the Search-R1 style:
    /// `Doc 1 (Title: Paris; URL: https://…) Paris is the capital …`.
    ///
    /// Whitespace inside a passage is collapsed. Passages are added while
    /// they fit in `characterBudget`; the first one that does not fit is cut
    /// with `…` (when at least 40 characters of room are left) and the rest
    /// are dropped, so the text never exceeds the budget.
    /// - Parameters:
    ///   - hits: the hits, best first.
    ///   - characterBudget: the most characters of the result.
    /// - Returns: the formatted passages, or `noResults` for an empty list.
    public static func format(_ hits: [SearchHit], characterBudget: Int) -> String {
        guard !hits.isEmpty else { return noResults }
        var text = ""
        for (index, hit) in hits.enumerated() {
            let passage = line(for: hit, number: index + 1)
            let separator = text.isEmpty ? 0 : 1
            let room = characterBudget - text.count - separator
            if passage.count <= room {
                if separator == 1 { text += "\n" }
                text += passage
                continue
            }
            if room >= 40 || text.isEmpty {
                if separator == 1 { text += "\n" }
                text += String(passage.prefix(max(0, room - 1))) + "…"
            }
            break
        }
        return text
    }

    /// One numbered passage.
    static func line(for hit: SearchHit, number: Int) -> String {
        var labels: [String] = []
        if let title = hit.title?.collapsingWhitespace, !title.isEmpty { labels.append("Title: \(title)") }
        if let url = hit.url?.trimmed, !url.isEmpty { labels.append("URL: \(url)") }
        let header = labels.isEmpty ? "Doc \(number)" : "Doc \(number) (\(labels.joined(separator: "; ")))"
        let body = hit.text.collapsingWhitespace
        return body.isEmpty ? header : "\(header) \(body)"
    }
}
