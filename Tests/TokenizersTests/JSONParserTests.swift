import Testing
@testable import Tokenizers

@Suite struct JSONParserTests {
    @Test func escapesAndSurrogatePairs() throws {
        let node = try JSONParser.parse(Array(#"{"a":"\u00e9\ud83d\ude00\n\"\\\/","b":[1,-2.5e1,true,null]}"#.utf8))
        #expect(node["a"]?.string == "é😀\n\"\\/")
        #expect(node["b"]?.array?.count == 4)
        #expect(node["b"]?.array?[1].double == -25)
        #expect(node["b"]?.array?[0].int == 1)
    }

    @Test func keysStayByteExact() throws {
        // "é" precomposed and decomposed are two vocabulary entries, not one.
        let node = try JSONParser.parse(Array("{\"\u{e9}\":1,\"e\u{301}\":2}".utf8))
        #expect(node.entries?.count == 2)
        #expect(node["\u{e9}"]?.int == 1)
        #expect(node["e\u{301}"]?.int == 2)
    }

    @Test func rejectsMalformedInput() {
        for text in ["{", "[1,]", "{\"a\" 1}", "\"unterminated", "tru", "{} x", "\"\\q\""] {
            #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
        }
    }
}
