/// Scratch of one forward pass over R rows (row-major, one row per new
/// token), grown to the largest R seen and reused.
final class HFWorkspace {
    let rows: Int
    /// (R, C) residual stream, normed input, projection output.
    let x, h, proj: UnsafeMutablePointer<Float>
    /// (R, NH * D) queries and attention output; (R, KVH * D) new keys and values.
    let q, attention, k, v: UnsafeMutablePointer<Float>
    /// (R, I) MLP gate, up and activation.
    let gate, up, act: UnsafeMutablePointer<Float>
    /// (R, D / 2) cos and sin of each row's position.
    let cos, sin: UnsafeMutablePointer<Float>
    /// (rows to score, V) logits.
    private(set) var logits: FloatBuffer
    /// Per thread: attention scores over a whole slot, for each query head
    /// of a K/V head.
    let scores: [FloatBuffer]
    /// A prefill's keys and values widened from a bf16 cache
    /// (`HFModel.attention`), grown as needed.
    private var widened = FloatBuffer(count: 0)
    private let storage: FloatBuffer

    init(config: HFModelConfig, rows R: Int, capacity: Int, threads: Int) {
        rows = R
        let C = config.hiddenSize, I = config.intermediateSize, D = config.headDimension
        let qWidth = config.headCount * D, kvWidth = config.keyValueHeadCount * D
        storage = FloatBuffer(count: R * (3 * C + 2 * qWidth + 2 * kvWidth + 3 * I + D))
        var carver = BufferCarver(storage)
        x = carver.take(R * C); h = carver.take(R * C); proj = carver.take(R * C)
        q = carver.take(R * qWidth); attention = carver.take(R * qWidth)
        k = carver.take(R * kvWidth); v = carver.take(R * kvWidth)
        gate = carver.take(R * I); up = carver.take(R * I); act = carver.take(R * I)
        cos = carver.take(R * D / 2); sin = carver.take(R * D / 2)
        logits = FloatBuffer(count: 0)
        let group = config.headCount / max(1, config.keyValueHeadCount)
        scores = (0..<max(1, threads)).map { _ in FloatBuffer(count: capacity * max(1, group)) }
    }

    /// A buffer of at least `count` floats for widened keys and values.
    func widened(count: Int) -> UnsafeMutablePointer<Float> {
        if widened.count < count { widened = FloatBuffer(uninitializedCount: count) }
        return widened.pointer
    }

    /// A logits buffer of at least `count` floats.
    func logits(count: Int) -> UnsafeMutablePointer<Float> {
        if logits.count < count { logits = FloatBuffer(count: count) }
        return logits.pointer
    }
}
