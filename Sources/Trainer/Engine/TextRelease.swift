/// How much of a sequence's generated text may go to a streaming caller
/// yet: never the first bytes of a stop string that could still complete
/// (the reply leaves the stop string out, so none of it may leak), never
/// half of a UTF-8 character. vLLM holds back the last (longest stop − 1)
/// characters; holding back only a suffix that is a stop string's start
/// gives the same text, sooner.
///
/// The pieces decode to exactly `StopMatcher.textBeforeStop` when joined:
/// every cut is at a point where UTF-8 decoding of the whole text is
/// between two characters (before a byte that starts one, or after a
/// complete one), so each piece decodes as it would within the whole, a
/// malformed byte to the same U+FFFD.
struct TextRelease {
    /// Bytes of the matcher's text already handed out.
    private(set) var released = 0

    /// The text that may go out now, after what went before.
    mutating func next(_ matcher: StopMatcher) -> String {
        let bytes = matcher.bytes
        let held = Self.stopPrefixLength(bytes, matcher.stops.map(\.bytes))
        // A stop string starts with a byte that starts a character: a cut there is safe.
        let end = held > 0 ? bytes.count - held : Self.characterBoundary(before: bytes)
        return take(bytes, upTo: end)
    }

    /// Everything not yet handed out, up to the matched stop string (the sequence has ended).
    mutating func rest(_ matcher: StopMatcher) -> String {
        take(matcher.bytes, upTo: matcher.textEnd)
    }

    private mutating func take(_ bytes: [UInt8], upTo end: Int) -> String {
        guard end > released else { return "" }
        defer { released = end }
        return String(decoding: bytes[released..<end], as: UTF8.self)
    }

    /// The longest suffix of `bytes` that is a proper prefix of one of `stops`.
    static func stopPrefixLength(_ bytes: [UInt8], _ stops: [[UInt8]]) -> Int {
        var longest = 0
        for stop in stops {
            var length = min(stop.count - 1, bytes.count)
            while length > longest {
                if bytes[(bytes.count - length)...].elementsEqual(stop[..<length]) {
                    longest = length
                    break
                }
                length -= 1
            }
        }
        return longest
    }

    /// The end of `bytes` when it ends with a complete character (or a byte
    /// that can start none), else where its last, incomplete character starts.
    static func characterBoundary(before bytes: [UInt8]) -> Int {
        // The last byte that is not a continuation byte (10xxxxxx), at most 3 back.
        var start = bytes.count - 1
        while start >= 0, start >= bytes.count - 4, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        guard start >= 0, start >= bytes.count - 4 else { return bytes.count }
        let needed = switch bytes[start] {
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 1
        }
        return bytes.count - start < needed ? start : bytes.count
    }
}
