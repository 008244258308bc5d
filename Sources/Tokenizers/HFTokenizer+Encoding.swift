extension HFTokenizer {
    /// The token ids of `text`.
    /// - Parameters:
    ///   - text: Any text; added and special tokens written in it are recognised.
    ///   - addSpecialTokens: Apply the post-processor (e.g. Llama's BOS), as the library's `add_special_tokens`.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [Int] {
        let scalars = text.unicodeScalars.map(\.value)
        var output: [Int] = []
        output.reserveCapacity(scalars.count / 3 + 4)
        for segment in split(scalars, with: rawMatcher) {
            if let token = segment.token {
                output.append(token.id)
                continue
            }
            let raw = Array(scalars[segment.range])
            let normalized = normalizer?.apply(raw) ?? raw
            for part in split(normalized, with: normalizedMatcher) {
                if let token = part.token {
                    output.append(token.id)
                    continue
                }
                let piece = PreTokenizer.Piece(
                    scalars: Array(normalized[part.range]),
                    atOrigin: segment.range.lowerBound == 0 && part.range.lowerBound == 0)
                if let preTokenizer {
                    for word in preTokenizer.apply([piece]) { model.encode(word.scalars, into: &output) }
                } else {
                    model.encode(piece.scalars, into: &output)
                }
            }
        }
        if addSpecialTokens, let postProcessor { return postProcessor.apply(output) }
        return output
    }

    private func split(_ s: [UInt32], with matcher: AddedTokenMatcher?) -> [AddedTokenMatcher.Segment] {
        matcher?.split(s) ?? [AddedTokenMatcher.Segment(range: 0..<s.count, token: nil)]
    }

    /// The text of `ids`, through the tokenizer's decoder.
    ///
    /// Added tokens, special or not, go through the decoder like the model's
    /// own, as in the library: a byte-level decoder reads the characters of an
    /// added `Café` as the bytes they stand for, giving `Caf\u{FFFD}`. A
    /// `normalized` one is decoded from its normalized form (the library since 0.23).
    /// - Parameters:
    ///   - ids: Token ids; ids outside the vocabulary are skipped, as the library does.
    ///   - skipSpecialTokens: Leave out special added tokens: as in the library, a token
    ///     is left out when the text it decodes from is a special token's content (so
    ///     a `normalized` special token that its normalizer changes stays).
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) -> String {
        var tokens: [[UInt32]] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            guard id >= 0, id < tokenText.count, let text = tokenText[id] else { continue }
            if skipSpecialTokens, specialContents.contains(text) { continue }
            tokens.append(text)
        }
        guard let decoder else {
            return tokens.map { Normalizer.string($0) }.joined(separator: " ")
        }
        return decoder.decode(tokens)
    }
}

extension HFTokenizer {
    /// Whether the decoded text of a sequence ending in `id` may still change
    /// when more ids follow: ByteFallback turns a whole run of `<0xNN>` tokens
    /// into U+FFFD, one per byte, as soon as any byte of the run is invalid.
    func endsOpenByteRun(_ id: Int) -> Bool {
        guard let decoder, decoder.containsByteFallback, id >= 0, id < tokenText.count, let text = tokenText[id] else {
            return false
        }
        return TokenDecoder.byteToken(text) != nil
    }
}
