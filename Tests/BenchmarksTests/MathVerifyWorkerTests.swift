import Foundation
import Testing
@testable import Benchmarks

/// These tests run the real worker with `$AEPO_PYTHON` or `<repo>/.venv/bin/python`
/// (create it with `python3 -m venv .venv && .venv/bin/pip install math-verify`);
/// they are skipped when that Python does not exist.
@Suite("MathVerifyWorker", .enabled(if: TestSupport.pythonAvailable), .serialized)
struct MathVerifyWorkerTests {
    func worker(timeout: Duration = .seconds(20), script: URL? = nil, environment: [String: String] = [:]) -> MathVerifyWorker {
        MathVerifyWorker(configuration: .init(
            python: TestSupport.python, script: script, timeout: timeout, environment: environment))
    }

    @Test func decidesWhatTheRulesCannot() async throws {
        let worker = worker()
        try await worker.start()
        #expect(await worker.version != nil)
        #expect(MathEqual.compare(gold: "x^2+2x+1", prediction: "(x+1)^2") == .undecided)
        #expect(try await worker.verify(gold: "x^2+2x+1", prediction: "(x+1)^2") == .equal)
        #expect(try await worker.verify(gold: "\\frac{1}{2}", prediction: "0.5") == .equal)
        #expect(try await worker.verify(gold: "\\sqrt{2}", prediction: "\\frac{2}{\\sqrt{2}}") == .equal)
        #expect(try await worker.verify(gold: "x^2+2x+1", prediction: "(x-1)^2") == .notEqual)
        await worker.shutdown()
    }

    @Test func concurrentRequestsAreServedInTurn() async throws {
        let worker = worker()
        let results = try await withThrowingTaskGroup(of: (Int, MathVerdict).self) { group in
            for n in 1...6 {
                group.addTask { (n, try await worker.verify(gold: "\(n)", prediction: "\\frac{\(2 * n)}{2}")) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 6)
        #expect(results.values.allSatisfy { $0 == .equal })
        await worker.shutdown()
    }

    @Test func mathScorerUsesRulesThenWorker() async throws {
        let scorer = MathScorer(worker: worker())
        #expect(try await scorer.compare(gold: "1,000", prediction: "1000") == .init(equal: true, method: .rules))
        #expect(try await scorer.compare(gold: "3", prediction: "4") == .init(equal: false, method: .rules))
        #expect(try await scorer.compare(gold: "(x+1)^2", prediction: "x^2+2x+1") == .init(equal: true, method: .mathVerify))
        #expect(try await MathScorer().compare(gold: "(x+1)^2", prediction: "x^2+2x+1") == .init(equal: false, method: .undecided))
        await scorer.worker?.shutdown()
    }

    @Test func timeoutKillsRestartsAndAnswersUndecided() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("slow_worker.py")
        try """
            import json, sys, time
            print(json.dumps({"ready": True, "version": "test"}), flush=True)
            for raw in sys.stdin:
                request = json.loads(raw)
                if request["gold"] == "hang":
                    time.sleep(600)
                print(json.dumps({"id": request["id"], "equal": request["gold"] == request["prediction"]}), flush=True)
            """.write(to: script, atomically: true, encoding: .utf8)
        let worker = worker(timeout: .milliseconds(500), script: script)
        let start = ContinuousClock.now
        #expect(try await worker.verify(gold: "hang", prediction: "x") == .undecided)
        // Far below the 600 s hang: the timeout fired (loose, so a loaded machine passes).
        #expect(ContinuousClock.now - start < .seconds(120))
        #expect(await worker.restarts == 1)
        #expect(try await worker.verify(gold: "a", prediction: "a") == .equal)
        #expect(try await worker.verify(gold: "a", prediction: "b") == .notEqual)
        await worker.shutdown()
    }

    @Test func missingMathVerifyIsATypedError() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let package = directory.appendingPathComponent("math_verify")
        try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
        try "raise ImportError('simulated: math_verify is not installed')\n"
            .write(to: package.appendingPathComponent("__init__.py"), atomically: true, encoding: .utf8)
        let worker = worker(environment: ["PYTHONPATH": directory.path])
        do {
            _ = try await worker.verify(gold: "1", prediction: "1")
            Issue.record("expected mathVerifyUnavailable")
        } catch {
            guard case .mathVerifyUnavailable(let python, let detail) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(python == TestSupport.python.path)
            #expect(detail.contains("simulated"))
        }
    }

    @Test func scriptThatDiesAtStartupIsReported() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("dies.py")
        try "import sys\nsys.stderr.write('boom\\n')\nsys.exit(1)\n".write(to: script, atomically: true, encoding: .utf8)
        await #expect(throws: MathVerifyError.exitedDuringStartup(python: TestSupport.python.path, stderr: "boom")) {
            try await worker(script: script).start()
        }
    }
}

/// Setup errors that need no Python at all.
@Suite("MathVerifyWorker setup")
struct MathVerifyWorkerSetupTests {
    @Test func missingPythonIsATypedError() async {
        let worker = MathVerifyWorker(configuration: .init(python: URL(fileURLWithPath: "/nonexistent/python")))
        await #expect(throws: MathVerifyError.pythonNotFound(path: "/nonexistent/python")) {
            try await worker.verify(gold: "1", prediction: "2")
        }
        #expect(MathVerifyError.pythonNotFound(path: "/p").description.contains("pip install math-verify"))
    }
}
