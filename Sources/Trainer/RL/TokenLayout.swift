/// A rollout batch as model rows: sequence i is row i, inputs
/// `tokens[0..<n-1]` and targets `tokens[1..<n]`, padded to a common length
/// T (a multiple of 16, so consecutive steps mostly reuse the activations);
/// `mask[i][t]` marks the targets with a loss: written by the model, in a
/// group that is kept.
struct TokenLayout {
    /// Positions per row.
    let T: Int
    let inputs: [[Int32]]
    let targets: [[Int32]]
    let mask: [[Bool]]

    init(sequences: [PolicySequence], keep: [Bool]) {
        let longest = sequences.map { $0.tokens.count - 1 }.max() ?? 1
        T = max(1, (longest + 15) / 16 * 16)
        let pad = SpecialToken.pad.id
        var inputs: [[Int32]] = [], targets: [[Int32]] = [], mask: [[Bool]] = []
        for (sequence, kept) in zip(sequences, keep) {
            let n = sequence.tokens.count
            var input = Array(sequence.tokens.prefix(n - 1)), target = Array(sequence.tokens.dropFirst())
            var rowMask = sequence.modelWritten.dropFirst().map { $0 && kept }
            let padding = T - input.count
            input += [Int32](repeating: pad, count: padding)
            target += [Int32](repeating: pad, count: padding)
            rowMask += [Bool](repeating: false, count: padding)
            inputs.append(input)
            targets.append(target)
            mask.append(rowMask)
        }
        self.inputs = inputs
        self.targets = targets
        self.mask = mask
    }

    /// Rows with at least one trained token.
    var trainedRows: [Int] { mask.indices.filter { mask[$0].contains(true) } }

    /// The valid tokens of the whole batch.
    var validTokens: Int { mask.reduce(0) { $0 + $1.count { $0 } } }
}
