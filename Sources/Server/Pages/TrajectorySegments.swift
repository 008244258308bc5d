import Foundation
import ServerCore

/// A trajectory cut into the parts a reader tells apart: thinking, each
/// `<search>` and `<python>` call, each `<result>` block, the answer, and
/// any text between them. Segments hold raw text; templates escape it.
struct TrajectorySegment: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case think, search, python, result, answer, text
    }

    var kind: Kind
    var text: String
    /// False when the closing tag is missing (generation stopped inside it).
    var closed: Bool = true
}

enum TrajectorySegments {
    /// The tags recognised, in the order they are tried at one position.
    private static let tags: [TrajectorySegment.Kind] = [.think, .search, .python, .result, .answer]

    /// Splits `trajectory` into segments in order. Text outside tags becomes
    /// `.text` segments (blank ones are dropped); an unclosed tag runs to the
    /// end; nothing is lost except the tags themselves and surrounding blank
    /// lines.
    static func parse(_ trajectory: String) -> [TrajectorySegment] {
        var segments: [TrajectorySegment] = []
        var rest = trajectory[...]
        while !rest.isEmpty {
            guard let (kind, open) = nextOpening(in: rest) else {
                append(.text, rest, closed: true, to: &segments)
                break
            }
            append(.text, rest[rest.startIndex..<open.lowerBound], closed: true, to: &segments)
            let body = rest[open.upperBound...]
            if let close = body.range(of: "</\(kind.rawValue)>") {
                append(kind, body[body.startIndex..<close.lowerBound], closed: true, to: &segments, keepEmpty: true)
                rest = body[close.upperBound...]
            } else {
                append(kind, body, closed: false, to: &segments, keepEmpty: true)
                break
            }
        }
        return segments
    }

    /// The earliest opening tag in `text`, with its range.
    private static func nextOpening(in text: Substring) -> (TrajectorySegment.Kind, Range<Substring.Index>)? {
        var best: (TrajectorySegment.Kind, Range<Substring.Index>)?
        for kind in tags {
            guard let range = text.range(of: "<\(kind.rawValue)>") else { continue }
            if let current = best, current.1.lowerBound <= range.lowerBound { continue }
            best = (kind, range)
        }
        return best
    }

    private static func append(
        _ kind: TrajectorySegment.Kind, _ text: Substring, closed: Bool, to segments: inout [TrajectorySegment],
        keepEmpty: Bool = false
    ) {
        let trimmed = text.trimmingCharacters(in: .newlines)
        guard keepEmpty || !trimmed.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        segments.append(TrajectorySegment(kind: kind, text: trimmed, closed: closed))
    }
}
