import Testing
@testable import Trainer

/// What a streaming caller is given of a sequence's text: never the start of
/// a stop string that could still complete, never half a character, and in
/// the end exactly the text the whole reply carries.
@Suite("Streamed text release")
struct TextReleaseTests {
    @Test("the start of a stop string is held back until it cannot complete")
    func holdsBackStopPrefixes() {
        var matcher = StopMatcher(stops: ["</answer>", "STOP"])
        var release = TextRelease()
        _ = matcher.append(Array("The sum is 5</ans".utf8))
        #expect(release.next(matcher) == "The sum is 5")
        _ = matcher.append(Array("w".utf8))
        #expect(release.next(matcher) == "", "</answ may still become </answer>")
        _ = matcher.append(Array("ers".utf8))
        #expect(release.next(matcher) == "</answers")
        #expect(matcher.append(Array(" ST".utf8)) == nil)
        #expect(release.next(matcher) == " ")
        #expect(matcher.append(Array("OP tail".utf8)) == "STOP")
        #expect(release.rest(matcher) == "")
        #expect(matcher.textBeforeStop == "The sum is 5</answers ")
    }

    @Test("a character split over tokens comes out whole")
    func holdsBackSplitCharacters() {
        var matcher = StopMatcher(stops: [])
        var release = TextRelease()
        let euro = Array("€".utf8)  // E2 82 AC
        _ = matcher.append([0x61, euro[0]])
        #expect(release.next(matcher) == "a")
        _ = matcher.append([euro[1]])
        #expect(release.next(matcher) == "")
        _ = matcher.append([euro[2]])
        #expect(release.next(matcher) == "€")
        // Ended inside a character: the rest decodes as the whole reply does.
        _ = matcher.append([0xF0, 0x9F])
        #expect(release.next(matcher) == "")
        #expect(release.rest(matcher) == "\u{FFFD}")
    }

    @Test("pieces join to the reply's text for arbitrary bytes and stops", arguments: 0..<40)
    func piecesJoinToTheText(seed: UInt64) {
        var rng = Xoshiro256(seed: seed, stream: 3)
        // Bytes that often form stop strings, split characters and malformed UTF-8.
        let alphabet: [[UInt8]] = [
            Array("a".utf8), Array("b".utf8), Array("ab".utf8), Array("é".utf8), [0xC3], [0xA9], [0xE2, 0x82],
            [0xAC], [0xF0], [0x9F, 0x99, 0x82], [0x80], [0xFF], Array("\n".utf8),
        ]
        let stopPool = ["ab", "abb", "é\n", "€a", "b🙂", "aaa"]
        let stops = stopPool.filter { _ in rng.next() % 3 == 0 }
        var matcher = StopMatcher(stops: stops)
        var release = TextRelease()
        var pieces = ""
        for _ in 0..<Int(rng.next() % 30) {
            let token = alphabet[Int(rng.next() % UInt64(alphabet.count))]
            if matcher.append(token) != nil { break }
            pieces += release.next(matcher)
        }
        pieces += release.rest(matcher)
        #expect(Array(pieces.unicodeScalars) == Array(matcher.textBeforeStop.unicodeScalars), "stops \(stops)")
        for stop in stops { #expect(!pieces.contains(stop)) }
    }
}
