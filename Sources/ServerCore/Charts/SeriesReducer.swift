/// Bounds a series to at most `limit` points while keeping its shape, so a
/// chart of a job with a million steps costs what one of 500 steps does.
///
/// The method is min/max bucketing: when more than `limit` points are
/// offered, their indices are split into `(limit - 2) / 2` equal buckets and
/// each bucket keeps its lowest and its highest point (in index order);
/// the first and the last point are always kept. Spikes and dips survive
/// (a stride would drop them); memory is `O(limit)` however many points
/// stream through, as long as `total` (how many indices will be offered)
/// is known up front. At most `limit` points come out, in index order.
package struct SeriesReducer: Sendable {
    private struct Entry: Sendable {
        package var index: Int
        package var point: MetricPoint
    }

    /// How many indices will be offered (0..<total).
    package let total: Int
    /// The most points ``points`` returns (at least 4).
    package let limit: Int
    private let buckets: Int
    private var kept: [Entry] = []
    private var first: Entry?
    private var last: Entry?
    private var minima: [Entry?]
    private var maxima: [Entry?]

    /// - Parameters:
    ///   - total: how many indices will be offered; every index passed to
    ///     ``add(_:at:)`` is in `0..<total` (larger ones land in the last bucket).
    ///   - limit: the most points to keep; values below 4 count as 4.
    package init(total: Int, limit: Int) {
        self.total = max(0, total)
        self.limit = max(4, limit)
        buckets = self.total > self.limit ? (self.limit - 2) / 2 : 0
        minima = Array(repeating: nil, count: buckets)
        maxima = Array(repeating: nil, count: buckets)
    }

    /// Offers the point at position `index` of the whole sequence. A series
    /// may skip indices (a step that did not log this metric).
    package mutating func add(_ point: MetricPoint, at index: Int) {
        let entry = Entry(index: index, point: point)
        if first == nil { first = entry }
        last = entry
        guard buckets > 0 else {
            if kept.count < limit { kept.append(entry) }
            return
        }
        let bucket = min(buckets - 1, max(0, index) * buckets / max(total, 1))
        if minima[bucket].map({ point.value < $0.point.value }) ?? true { minima[bucket] = entry }
        if maxima[bucket].map({ point.value > $0.point.value }) ?? true { maxima[bucket] = entry }
    }

    /// The kept points in index order: all of them when there were at most
    /// `limit`, else the first, each bucket's minimum and maximum, and the last.
    package var points: [MetricPoint] {
        guard buckets > 0 else {
            // Keep-all mode holds `limit` at most; the latest point always shows.
            if let last, kept.last?.index != last.index { return kept.dropLast().map(\.point) + [last.point] }
            return kept.map(\.point)
        }
        var entries = (minima + maxima).compactMap { $0 }
        if let first { entries.append(first) }
        if let last { entries.append(last) }
        var seen = Set<Int>()
        return entries.sorted { $0.index < $1.index }.filter { seen.insert($0.index).inserted }.map(\.point)
    }

    /// `points` reduced to at most `limit` (positions are the indices).
    package static func reduce(_ points: [MetricPoint], limit: Int) -> [MetricPoint] {
        var reducer = SeriesReducer(total: points.count, limit: limit)
        for (index, point) in points.enumerated() { reducer.add(point, at: index) }
        return reducer.points
    }
}
