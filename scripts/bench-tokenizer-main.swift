// The Swift side of scripts/bench-tokenizer: compiled with the Tokenizers
// sources into one executable by that script (no package product needed).
//
//   bench-tokenizer-swift TOKENIZER_DIR TEXT_FILE REPEATS
//
// Prints one JSON object per measurement.
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 4, let repeats = Int(arguments[3]) else {
    print("usage: bench-tokenizer-swift TOKENIZER_DIR TEXT_FILE REPEATS")
    exit(2)
}
let directory = URL(fileURLWithPath: arguments[1])
let text: String
do {
    text = try String(contentsOfFile: arguments[2], encoding: .utf8)
} catch {
    print("cannot read \(arguments[2]): \(error)")
    exit(2)
}
let bytes = Double(text.utf8.count)
// Split on the scalar: "\r\n" is one Character, and Python splits it.
let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func report(_ name: String, seconds: Double, tokens: Int, extra: String = "") {
    let mbps = bytes / seconds / 1e6
    print(#"{"side":"swift","case":"\#(name)","seconds":\#(seconds),"mb_per_s":\#(mbps),"tokens_per_s":\#(Double(tokens) / seconds),"tokens":\#(tokens)\#(extra)}"#)
}

/// FNV-1a over the ids, to compare with the Rust side's.
func checksum(_ ids: [Int]) -> UInt64 {
    ids.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

func best(_ body: () -> Int) -> (seconds: Double, tokens: Int) {
    var bestTime = Double.infinity, tokens = 0
    for _ in 0..<repeats {
        let start = now()
        tokens = body()
        bestTime = min(bestTime, now() - start)
    }
    return (bestTime, tokens)
}

do {
    let loadStart = now()
    let tokenizer = try HFTokenizer(directory: directory)
    let loadSeconds = now() - loadStart
    let ids = tokenizer.encode(text, addSpecialTokens: false)
    print(#"{"side":"swift","case":"load","seconds":\#(loadSeconds),"ids":\#(ids.count),"checksum":"\#(String(checksum(ids), radix: 16))"}"#)

    let whole = best { tokenizer.encode(text, addSpecialTokens: false).count }
    report("encode-whole-text", seconds: whole.seconds, tokens: whole.tokens)
    let perLine = best { lines.reduce(0) { $0 + tokenizer.encode($1, addSpecialTokens: false).count } }
    report("encode-per-line", seconds: perLine.seconds, tokens: perLine.tokens)

    // The same pattern in a form the hand-written matchers do not recognise: Swift Regex runs it.
    let json = try String(contentsOf: directory.appendingPathComponent("tokenizer.json"), encoding: .utf8)
    let marker = #"{"Regex":""#
    if let range = json.range(of: marker) {
        var wrapped = json
        wrapped.insert(contentsOf: "(?:", at: range.upperBound)
        if let close = wrapped.range(of: #""},"behavior""#, range: range.upperBound..<wrapped.endIndex) {
            wrapped.insert(contentsOf: ")", at: close.lowerBound)
            let slow = try HFTokenizer(tokenizerJSON: Data(wrapped.utf8))
            let sample = String(text.prefix(100_000))
            let start = now()
            let count = slow.encode(sample, addSpecialTokens: false).count
            let seconds = now() - start
            let same = slow.encode(sample, addSpecialTokens: false) == tokenizer.encode(sample, addSpecialTokens: false)
            print(#"{"side":"swift","case":"encode-swift-regex-100kB","seconds":\#(seconds),"mb_per_s":\#(Double(sample.utf8.count) / seconds / 1e6),"tokens":\#(count),"same_ids":\#(same)}"#)
        }
    }

    let stream = best {
        var decoder = IncrementalDecoder(tokenizer: tokenizer)
        for id in ids { _ = decoder.add(id) }
        _ = decoder.finish()
        return ids.count
    }
    report("incremental-decode", seconds: stream.seconds, tokens: stream.tokens)
} catch {
    print("load failed: \(error)")
    exit(1)
}
