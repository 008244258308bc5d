import Foundation
import Testing
@testable import Tokenizers

/// Unknown characters, fusing and byte fallback, with the expected ids
/// computed by `tokenizers` 0.23.3 on the same hand-written tokenizer.json.
@Suite struct BPEModelTests {
    private func tokenizer(fuse: Bool, byteFallback: Bool) throws -> HFTokenizer {
        let json = """
        {"version":"1.0","added_tokens":[],"normalizer":null,"pre_tokenizer":null,"post_processor":null,"decoder":null,
         "model":{"type":"BPE","unk_token":"<unk>","fuse_unk":\(fuse),"byte_fallback":\(byteFallback),
                  "vocab":{"<unk>":0,"a":1,"b":2,"ab":3,"<0x78>":4},"merges":["a b"]}}
        """
        return try HFTokenizer(tokenizerJSON: Data(json.utf8))
    }

    @Test(arguments: [
        (false, false, [3, 0, 0, 0, 0, 3, 0, 1], "ab <unk> <unk> <unk> <unk> ab <unk> a"),
        (false, true, [3, 4, 0, 4, 0, 3, 0, 1], "ab <0x78> <unk> <0x78> <unk> ab <unk> a"),
        (true, false, [3, 0, 3, 0, 1], "ab <unk> ab <unk> a"),
        // The library emits a byte-fallback token before the unknown run it interrupts.
        (true, true, [3, 4, 4, 0, 3, 0, 1], "ab <0x78> <0x78> <unk> ab <unk> a"),
    ])
    func unknownCharacters(fuse: Bool, byteFallback: Bool, ids: [Int], decoded: String) throws {
        let tokenizer = try tokenizer(fuse: fuse, byteFallback: byteFallback)
        #expect(tokenizer.encode("abxyzxab€a") == ids)
        // No decoder: tokens joined by spaces.
        #expect(tokenizer.decode(ids) == decoded)
    }
}
