/// A BPE model as `tokenizers` runs it: characters to ids (with byte
/// fallback or an unknown token for characters the vocabulary lacks), then
/// merges by rank.
struct BPEModel: Sendable {
    /// Token text by id (`nil` for ids the vocabulary skips).
    let tokens: [String?]
    /// Token ids by the scalars of their text (byte-exact keys, see `JSONNode`).
    let ids: [[UInt32]: Int32]
    /// Ids of one-character tokens below U+0800 (-1: none): the characters
    /// byte-level models and most text are made of.
    private let smallCharacterIDs: [Int32]
    /// Ids of `<0x00>` ... `<0xFF>` (-1: missing), used when `byteFallback`.
    private let byteTokenIDs: [Int32]
    let merges: MergeTable
    let unknownID: Int32?
    let byteFallback: Bool
    let fuseUnknown: Bool
    let ignoreMerges: Bool

    private static let smallLimit: UInt32 = 0x800

    /// Reads the `model` object of `tokenizer.json`.
    init(_ node: JSONNode) throws(TokenizerLoadError) {
        let type = node.typeName ?? "BPE"
        guard type == "BPE" else { throw .unsupportedModel(type) }
        guard let vocab = node["vocab"]?.entries else { throw .invalidField(path: "model.vocab", expected: "an object") }
        for field in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = node[field], !value.isNull, value.string != "" {
                throw .invalidField(path: "model.\(field)", expected: "null (subword prefixes and suffixes are not supported)")
            }
        }
        if let dropout = node["dropout"]?.double, dropout > 0 {
            throw .invalidField(path: "model.dropout", expected: "null or 0 (BPE dropout is for training)")
        }

        var ids: [[UInt32]: Int32] = [:]
        ids.reserveCapacity(vocab.count)
        var maxID = -1
        for (key, value) in vocab {
            guard let id = value.int, id >= 0, id < Int(Int32.max) else {
                throw .invalidField(path: "model.vocab[\(key)]", expected: "a token id")
            }
            ids[key.unicodeScalars.map(\.value)] = Int32(id)
            maxID = max(maxID, id)
        }
        var tokens = [String?](repeating: nil, count: maxID + 1)
        for (key, value) in vocab { if let id = value.int { tokens[id] = key } }
        var small = [Int32](repeating: -1, count: Int(Self.smallLimit))
        for (key, id) in ids where key.count == 1 && key[0] < Self.smallLimit { small[Int(key[0])] = id }
        var bytes = [Int32](repeating: -1, count: 256)
        for byte in 0..<256 {
            let name = "<0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) + ">"
            bytes[byte] = ids[name.unicodeScalars.map(\.value)] ?? -1
        }

        self.tokens = tokens
        self.ids = ids
        self.smallCharacterIDs = small
        self.byteTokenIDs = bytes
        self.merges = try Self.parseMerges(node["merges"], ids: ids)
        if let unk = node["unk_token"]?.string {
            guard let id = ids[unk.unicodeScalars.map(\.value)] else {
                throw .invalidField(path: "model.unk_token", expected: "a token of the vocabulary, not \"\(unk)\"")
            }
            unknownID = id
        } else {
            unknownID = nil
        }
        byteFallback = node["byte_fallback"]?.bool ?? false
        fuseUnknown = node["fuse_unk"]?.bool ?? false
        ignoreMerges = node["ignore_merges"]?.bool ?? false
    }

    /// Merges as `"a b"` strings (split on the one space) or `["a", "b"]` pairs; rank is the position.
    private static func parseMerges(_ node: JSONNode?, ids: [[UInt32]: Int32]) throws(TokenizerLoadError) -> MergeTable {
        guard let list = node?.array else { throw .invalidField(path: "model.merges", expected: "an array") }
        var merges: [(left: Int32, right: Int32, rank: UInt32, id: Int32)] = []
        merges.reserveCapacity(list.count)
        for (rank, item) in list.enumerated() {
            let pair: [[UInt32]]
            if let text = item.string {
                let parts = text.unicodeScalars.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw .invalidField(path: "model.merges[\(rank)]", expected: "two tokens separated by one space") }
                pair = parts.map { $0.map(\.value) }
            } else if let items = item.array, items.count == 2, let a = items[0].string, let b = items[1].string {
                pair = [a.unicodeScalars.map(\.value), b.unicodeScalars.map(\.value)]
            } else {
                throw .invalidField(path: "model.merges[\(rank)]", expected: "\"a b\" or [\"a\", \"b\"]")
            }
            guard let left = ids[pair[0]] else { throw .mergeOutOfVocabulary(rank: rank, token: Normalizer.string(pair[0])) }
            guard let right = ids[pair[1]] else { throw .mergeOutOfVocabulary(rank: rank, token: Normalizer.string(pair[1])) }
            guard let merged = ids[pair[0] + pair[1]] else {
                throw .mergeOutOfVocabulary(rank: rank, token: Normalizer.string(pair[0] + pair[1]))
            }
            merges.append((left, right, UInt32(rank), merged))
        }
        return MergeTable(merges)
    }

    /// The id of a one-character token.
    @inline(__always)
    private func characterID(_ value: UInt32) -> Int32? {
        if value < Self.smallLimit {
            let id = smallCharacterIDs[Int(value)]
            return id < 0 ? nil : id
        }
        return ids[[value]]
    }

    /// Appends the ids of one pre-tokenized piece to `output`.
    func encode(_ word: [UInt32], into output: inout [Int]) {
        if word.isEmpty { return }
        if ignoreMerges, let id = ids[word] {
            output.append(Int(id))
            return
        }
        var symbols: [Int32] = []
        symbols.reserveCapacity(word.count)
        // A run of unknown characters waiting to be emitted (one id when fused).
        var pendingUnknown = false
        for value in word {
            if let id = characterID(value) {
                if pendingUnknown, let unk = unknownID { symbols.append(unk); pendingUnknown = false }
                symbols.append(id)
                continue
            }
            if byteFallback {
                var fallback: [Int32] = []
                var complete = true
                UTF8Bytes.forEach(of: value) { byte in
                    let id = byteTokenIDs[Int(byte)]
                    if id < 0 { complete = false } else { fallback.append(id) }
                }
                if complete {
                    // The library does not flush a pending unknown here: it goes out after.
                    symbols.append(contentsOf: fallback)
                    continue
                }
            }
            if let unk = unknownID {
                if pendingUnknown && !fuseUnknown { symbols.append(unk) }
                pendingUnknown = true
            }
        }
        if pendingUnknown, let unk = unknownID { symbols.append(unk) }
        BPEMerger.merge(&symbols, merges: merges)
        for id in symbols { output.append(Int(id)) }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
