import Benchmarks
import Foundation
import Testing
@testable import Trainer

@Suite("Synthetic suites")
struct SynthTaskTests {
    let small = SynthSuiteConfig(dataSeed: 7, trainItems: 400, testItems: 60)

    @Test("arith: precedence and overflow limits")
    func arithEvaluation() {
        #expect(ArithTask.evaluate(operands: [12, 34, 56], operators: ["+", "*"]) == 12 + 34 * 56)
        #expect(ArithTask.evaluate(operands: [99, 10, 7, 3], operators: ["-", "*", "-"]) == 99 - 70 - 3)
        #expect(ArithTask.evaluate(operands: [9999, 9999, 9999, 9999], operators: ["*", "*", "*"]) == nil)
    }

    @Test("both suites are deterministic, disjoint and sized as asked", arguments: SynthTask.allCases)
    func splits(task: SynthTask) throws {
        let a = try SynthSuite(task: task, config: small)
        let b = try SynthSuite(task: task, config: small)
        #expect(a.train == b.train && a.test == b.test && a.corpus == b.corpus)
        #expect(a.train.count == 400 && a.test.count == 60)
        let trainQuestions = Set(a.train.map(\.item.question))
        #expect(trainQuestions.count == a.train.count)
        #expect(trainQuestions.isDisjoint(with: a.test.map(\.item.question)))
        let other = try SynthSuite(task: task, config: SynthSuiteConfig(dataSeed: 8, trainItems: 400, testItems: 60))
        #expect(other.test.map(\.item.question) != a.test.map(\.item.question))
        // a bigger training split leaves the test split unchanged
        let bigger = try SynthSuite(task: task, config: SynthSuiteConfig(dataSeed: 7, trainItems: 800, testItems: 60))
        #expect(bigger.test == a.test)
    }

    @Test("arith items: operands, python call and answer agree")
    func arithItems() throws {
        let suite = try SynthSuite(task: .arith, config: small)
        for example in suite.train + suite.test {
            let solution = example.solution
            guard case .string(let expression) = example.item.metadata["expression"] else {
                Issue.record("no expression")
                return
            }
            let operands = expression.split(separator: " ").enumerated().filter { $0.offset % 2 == 0 }
            #expect((3...5).contains(operands.count))
            #expect(operands.allSatisfy { (2...4).contains($0.element.count) })
            #expect(solution.calls == [.init(tool: .python, input: "print(\(expression))", expected: solution.answer + "\n")])
            #expect(example.item.answers == [solution.answer])
        }
    }

    @Test("hop: the expert's query finds each needed fact first; test facts are not in the training world")
    func hopRetrieval() throws {
        let suite = try SynthSuite(task: .hop, config: small)
        let index = suite.searchIndex
        var hopCounts: [Int: Int] = [:]
        for example in suite.test + suite.train.prefix(200) {
            hopCounts[example.solution.calls.count, default: 0] += 1
            for call in example.solution.calls {
                #expect(index.search(call.input, limit: 1).first?.document.text == call.expected, "\(call.input)")
            }
            #expect(example.solution.calls.last?.expected.hasSuffix("\(example.solution.answer).") == true)
        }
        #expect(Set(hopCounts.keys) == [1, 2, 3])
        let (train, test) = HopTask.worlds(seed: small.dataSeed)
        let trainNames = Set(train.people + train.towns + train.companies + train.countries)
        #expect(trainNames.isDisjoint(with: test.people + test.towns + test.companies + test.countries))
        let trainText = suite.train.flatMap { $0.solution.calls.map(\.expected) }.joined(separator: " ")
        for name in test.people.prefix(20) { #expect(!trainText.contains(name)) }
    }

    @Test("splits read back through the benchmark parser as the same items", arguments: SynthTask.allCases)
    func datasetRoundTrip(task: SynthTask) throws {
        let suite = try SynthSuite(task: task, config: small)
        let dataset = try suite.dataset(.test)
        #expect(dataset.benchmark == task.rawValue && dataset.source == .sample)
        #expect(dataset.items == suite.test.map(\.item))
        #expect(dataset.sha256 == DatasetParser.sha256Hex(of: suite.jsonl(.test)))
    }

    @Test("an unknown task is refused listing the valid ones")
    func unknownTask() {
        #expect(throws: SynthTaskError.unknownTask(name: "synth-x", valid: ["synth-arith", "synth-hop"])) {
            try SynthTask.named("synth-x")
        }
    }
}
