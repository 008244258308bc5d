extension String {
    /// The text cut to at most `budget` characters: when longer, its start
    /// and end are kept around a marker saying how much was left out (two
    /// thirds of the room for the start, where output begins; a third for
    /// the end, where errors appear).
    /// - Parameter budget: the most characters of the result.
    func clipped(to budget: Int) -> String {
        guard count > budget else { return self }
        guard budget > 0 else { return "" }
        // The omitted count is below `count`, so this marker is the longest.
        let room = budget - Self.omissionMarker(count).count
        guard room >= 30 else { return String(prefix(budget - 1)) + "…" }
        let head = room * 2 / 3
        let tail = room - head
        return String(prefix(head)) + Self.omissionMarker(count - head - tail) + String(suffix(tail))
    }

    /// The marker put where `omitted` characters were left out.
    static func omissionMarker(_ omitted: Int) -> String {
        "\n…[\(omitted) characters omitted]…\n"
    }

    /// The text with every run of whitespace (newlines included) replaced by
    /// one space, trimmed.
    var collapsingWhitespace: String {
        split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
