import Crypto
import Foundation

/// The seed of one sample: a pure function of (evaluation seed, benchmark,
/// item, repeat), so a sample redone after a crash is the same request and
/// every repeat of an item gets its own seed.
package enum SampleSeed {
    /// A non-negative 31-bit seed, accepted by every OpenAI-compatible server.
    package static func make(evaluationSeed: Int, benchmark: String, item: String, repeat index: Int) -> UInt64 {
        let key = "\(evaluationSeed)\u{1F}\(benchmark)\u{1F}\(item)\u{1F}\(index)"
        let digest = Array(SHA256.hash(data: Data(key.utf8)))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return value & 0x7FFF_FFFF
    }
}
