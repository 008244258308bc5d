@testable import Benchmarks

/// A search backend answering from a table, recording the queries.
actor FakeSearch: SearchBackend {
    private(set) var queries: [String] = []
    private let answers: [String: [SearchHit]]
    private let delay: Duration?

    init(_ answers: [String: [SearchHit]] = [:], delay: Duration? = nil) {
        self.answers = answers
        self.delay = delay
    }

    func search(_ query: String, topK: Int) async throws -> [SearchHit] {
        queries.append(query)
        if let delay { try await Task.sleep(for: delay) }
        return Array((answers[query.lowercased()] ?? []).prefix(topK))
    }
}

/// A search backend that is down.
struct BrokenSearch: SearchBackend {
    func search(_ query: String, topK: Int) async throws -> [SearchHit] {
        throw HTTPCallError.retriesExhausted(attempts: 5, last: .status(code: 503, body: "busy"))
    }
}

/// A python runner that "runs" code by looking its output up, recording it.
actor FakePython: PythonRunner {
    private(set) var programs: [String] = []
    private let output: @Sendable (String) -> String

    init(_ output: @escaping @Sendable (String) -> String) {
        self.output = output
    }

    func run(_ code: String) async throws -> PythonResult {
        programs.append(code)
        return PythonResult(output: output(code), exitStatus: 0)
    }
}

/// A python runner without a sandbox.
struct RefusingPython: PythonRunner {
    func run(_ code: String) async throws -> PythonResult {
        throw PythonToolError.unavailable("bubblewrap (bwrap) not found at /nowhere/bwrap")
    }
}
