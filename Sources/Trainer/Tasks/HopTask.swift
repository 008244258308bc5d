import Benchmarks

/// `synth-hop`: 1- to 3-hop questions over a generated knowledge base of
/// fictional people, towns, companies and countries. Every fact is a short
/// document of the search corpus; the expert follows the chain with one
/// `<search>` per hop and boxes the last entity found.
///
/// Two disjoint worlds come from the seed: training questions are about the
/// large one, test questions about the small one (both are in the corpus).
/// Questions cycle through the 13 templates (so 1-, 2- and 3-hop questions
/// are about equally common) with a random start entity, without repeats.
enum HopTask {
    /// Entity counts of the training world.
    static let trainWorldSize = HopWorld.Size(countries: 12, towns: 80, companies: 300, people: 1500)
    /// Entity counts of the test world.
    static let testWorldSize = HopWorld.Size(countries: 6, towns: 18, companies: 30, people: 80)

    /// The two worlds of a seed: (train, test).
    static func worlds(seed: UInt64) -> (train: HopWorld, test: HopWorld) {
        var rng = Xoshiro256(seed: seed, stream: 0x40B)
        var names = FictionalNames(rng: Xoshiro256(seed: seed, stream: 0x4A3E))
        let train = HopWorld(size: trainWorldSize, names: &names, rng: &rng)
        let test = HopWorld(size: testWorldSize, names: &names, rng: &rng)
        return (train, test)
    }

    /// The corpus: every fact of both worlds, one document each, in a seeded
    /// shuffled order (ids `fact-1`, `fact-2`, ...).
    static func corpus(seed: UInt64) -> [InMemoryBM25.Document] {
        let (train, test) = worlds(seed: seed)
        var sentences = train.sentences + test.sentences
        var rng = Xoshiro256(seed: seed, stream: 0xD0C5)
        for i in stride(from: sentences.count - 1, to: 0, by: -1) {
            sentences.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        return sentences.enumerated().map { InMemoryBM25.Document(id: "fact-\($0.offset + 1)", text: $0.element) }
    }

    /// Generates the splits (at most as many items as the worlds have distinct questions).
    static func generate(seed: UInt64, trainCount: Int, testCount: Int) -> (train: [SynthExample], test: [SynthExample]) {
        let (trainWorld, testWorld) = worlds(seed: seed)
        return (
            questions(in: trainWorld, count: trainCount, split: "train", rng: Xoshiro256(seed: seed, stream: 0x7A1)),
            questions(in: testWorld, count: testCount, split: "test", rng: Xoshiro256(seed: seed, stream: 0x7E5)))
    }

    /// `count` distinct questions about `world`, templates in round robin.
    private static func questions(in world: HopWorld, count: Int, split: String, rng: Xoshiro256) -> [SynthExample] {
        var rng = rng
        let templates = HopQuestionTemplate.all
        // the distinct (template, start) pairs left for each template
        var remaining = templates.map { template in
            var starts = Array(0..<world.entities(template.chain[0].subjectKind).count)
            for i in stride(from: starts.count - 1, to: 0, by: -1) {
                starts.swapAt(i, Int(rng.next() % UInt64(i + 1)))
            }
            return starts
        }
        var examples: [SynthExample] = []
        var turn = 0
        while examples.count < count, remaining.contains(where: { !$0.isEmpty }) {
            let t = turn % templates.count
            turn += 1
            guard let start = remaining[t].popLast() else { continue }
            examples.append(example(
                template: templates[t], start: start, world: world, split: split, index: examples.count))
        }
        return examples
    }

    private static func example(
        template: HopQuestionTemplate, start: Int, world: HopWorld, split: String, index: Int
    ) -> SynthExample {
        let startName = world.entities(template.chain[0].subjectKind)[start]
        let hops = world.walk(template.chain, from: start)
        let answer = hops.last?.object ?? startName
        let item = DatasetItem(
            id: "\(split)-\(index + 1)", question: template.question(start: startName), answers: [answer],
            metadata: [
                "split": .string(split), "hops": .number(Double(hops.count)),
                "chain": .array(template.chain.map { .string($0.rawValue) }),
            ],
            line: index + 1)
        let calls = hops.map { hop in
            ExpertSolution.Call(
                tool: .search, input: hop.relation.query(subject: hop.subject),
                expected: hop.relation.sentence(subject: hop.subject, object: hop.object))
        }
        let plan = template.chain.map(\.planWord).joined(separator: ", then ")
        let think = "Find the \(plan)."
        return SynthExample(item: item, solution: ExpertSolution(think: think, calls: calls, answer: answer))
    }
}
