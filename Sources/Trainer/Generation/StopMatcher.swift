/// Accumulates the decoded bytes of one generated sequence and reports the
/// first stop string to appear in it. Matching runs on the UTF-8 bytes of
/// the decoded text (the same as matching the text, since stop strings are
/// valid UTF-8), looking only at windows that end in the newly added bytes.
struct StopMatcher {
    private let stops: [(text: String, bytes: [UInt8])]
    private(set) var bytes: [UInt8] = []
    /// Length of `bytes` to keep in the text (set at the end of a match).
    private var cut: Int?

    init(stops: [String]) {
        self.stops = stops.map { ($0, Array($0.utf8)) }
    }

    /// Appends `newBytes`; returns the stop string that now occurs in the text,
    /// choosing the match that ends first (then the first in the list).
    mutating func append(_ newBytes: [UInt8]) -> String? {
        guard cut == nil else { return nil }
        let previous = bytes.count
        bytes.append(contentsOf: newBytes)
        guard !newBytes.isEmpty else { return nil }
        var best: (end: Int, text: String)?
        for stop in stops {
            let n = stop.bytes.count
            var start = Swift.max(0, previous - n + 1)
            while start + n <= bytes.count {
                if bytes[start..<(start + n)].elementsEqual(stop.bytes) {
                    if (best.map { start + n < $0.end }) ?? true { best = (start + n, stop.text) }
                    break
                }
                start += 1
            }
        }
        guard let best else { return nil }
        cut = best.end
        return best.text
    }

    /// The decoded text, cut after the matched stop string if any.
    var text: String {
        String(decoding: bytes[0..<(cut ?? bytes.count)], as: UTF8.self)
    }
}
