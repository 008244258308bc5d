import Benchmarks

/// `synth-arith`: integer expressions of 3 to 5 operands of 2 to 4 digits
/// joined by `+`, `-` and `*` (Python precedence), too long to work out in
/// the head. The expert prints the value with one `<python>` call and copies
/// the printed number into `\boxed{}`.
///
/// The split is a pure function of the question text (its FNV-1a hash), so
/// train and test never share a question; both are prefixes of one seeded
/// stream, so changing one split's size never changes the other.
enum ArithTask {
    /// Values are kept below this magnitude (12 digits).
    static let valueLimit = 1_000_000_000_000
    /// One question in `testModulus` (by hash) goes to the test split.
    static let testModulus: UInt64 = 8
    /// The thought every expert trajectory starts with.
    static let think = "Too long for mental math; compute it with python."

    /// Generates the splits.
    /// - Parameters:
    ///   - seed: the data seed.
    ///   - trainCount, testCount: items per split.
    static func generate(seed: UInt64, trainCount: Int, testCount: Int) -> (train: [SynthExample], test: [SynthExample]) {
        var rng = Xoshiro256(seed: seed, stream: 0xA417)
        var train: [SynthExample] = [], test: [SynthExample] = []
        var seen: Set<String> = []
        while train.count < trainCount || test.count < testCount {
            guard let (expression, value) = randomExpression(&rng), seen.insert(expression).inserted else { continue }
            let isTest = fnv1a(expression) % testModulus == 0
            if isTest && test.count < testCount {
                test.append(example(expression: expression, value: value, split: "test", index: test.count))
            } else if !isTest && train.count < trainCount {
                train.append(example(expression: expression, value: value, split: "train", index: train.count))
            }
        }
        return (train, test)
    }

    /// A random expression and its value, or nil when the value (or an
    /// intermediate product) leaves the allowed range.
    static func randomExpression(_ rng: inout Xoshiro256) -> (String, Int)? {
        let operandCount = 3 + Int(rng.next() % 3)
        var operands: [Int] = [], operators: [Character] = []
        for index in 0..<operandCount {
            let digits = 2 + Int(rng.next() % 3)
            let low = digits == 2 ? 10 : digits == 3 ? 100 : 1000
            operands.append(low + Int(rng.next() % UInt64(9 * low)))
            if index > 0 { operators.append(["+", "-", "*"][Int(rng.next() % 3)]) }
        }
        guard let value = evaluate(operands: operands, operators: operators) else { return nil }
        var text = String(operands[0])
        for (op, operand) in zip(operators, operands.dropFirst()) { text += " \(op) \(operand)" }
        return (text, value)
    }

    /// Evaluates with `*` binding tighter than `+`/`-`, left to right.
    static func evaluate(operands: [Int], operators: [Character]) -> Int? {
        var terms: [Int] = [operands[0]], signs: [Int] = [1]
        for (op, operand) in zip(operators, operands.dropFirst()) {
            if op == "*" {
                let (product, overflow) = terms[terms.count - 1].multipliedReportingOverflow(by: operand)
                guard !overflow, abs(product) < valueLimit else { return nil }
                terms[terms.count - 1] = product
            } else {
                terms.append(operand)
                signs.append(op == "+" ? 1 : -1)
            }
        }
        let value = zip(terms, signs).reduce(0) { $0 + $1.0 * $1.1 }
        return abs(value) < valueLimit ? value : nil
    }

    private static func example(expression: String, value: Int, split: String, index: Int) -> SynthExample {
        let answer = String(value)
        let item = DatasetItem(
            id: "\(split)-\(index + 1)", question: "What is \(expression)?", answers: [answer],
            metadata: ["split": .string(split), "expression": .string(expression)], line: index + 1)
        let call = ExpertSolution.Call(tool: .python, input: "print(\(expression))", expected: answer + "\n")
        return SynthExample(item: item, solution: ExpertSolution(think: think, calls: [call], answer: answer))
    }

    /// 64-bit FNV-1a of the UTF-8 bytes (stable across runs and platforms).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
