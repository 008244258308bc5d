import Foundation
import Testing
@testable import Benchmarks

/// The python tool as the AEPO authors' evaluation runs it: a last bare
/// expression printed, a timeout per call, numpy / sympy / scipy from a
/// venv mounted read-only. Skipped where `bwrap` is not installed.
@Suite("Python tool protocol")
struct PythonToolProtocolTests {
    static let bwrapInstalled = PythonSandboxTests.bwrapInstalled

    /// A venv with numpy, sympy and scipy: `AEPO_TEST_VENV`, else the repository's `.venv`.
    static let testVenv: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".venv").path
        let path = ProcessInfo.processInfo.environment["AEPO_TEST_VENV"] ?? root
        return FileManager.default.fileExists(atPath: path + "/pyvenv.cfg") ? path : nil
    }()

    @Test(.enabled(if: bwrapInstalled)) func lastBareExpressionIsPrinted() async throws {
        let python = BubblewrapPython()
        let cases: [(String, String)] = [
            ("2+3", "5"), ("x = 6\nx * 7", "42"), ("print('once')", "once"), ("None", "(no output)"),
            ("def f():\n    return 'value'\nf()", "value"), ("import math\nmath.factorial(5)", "120"),
            ("for i in range(2):\n    i", "(no output)"),
        ]
        for (code, shown) in cases {
            let result = try await python.run(code)
            #expect(result.render(characterBudget: 1000) == shown, "\(code)")
        }
    }

    @Test(.enabled(if: bwrapInstalled)) func timeoutIsPerCall() async throws {
        let python = BubblewrapPython(configuration: .init(wallTimeoutSeconds: 60))
        let result = try await TimedPython(runner: python, timeoutSeconds: 0.5).run("import time\ntime.sleep(30)")
        #expect(result.timedOut)
        #expect(result.render(characterBudget: 1000) == "(no output)\n[timed out after 0.5 s of wall time; the program was killed]")
    }

    @Test(.enabled(if: bwrapInstalled && testVenv != nil)) func venvPackagesImportOffline() async throws {
        let python = BubblewrapPython(configuration: .init(venv: Self.testVenv))
        let code = """
            import numpy, sympy, scipy.special
            x = sympy.symbols('x')
            print(int(numpy.arange(5).sum()), sympy.factor(x**2 - 1), int(scipy.special.comb(5, 2)))
            """
        let result = try await python.run(code, timeout: .seconds(120))
        #expect(result.render(characterBudget: 1000) == "10 (x - 1)*(x + 1) 10")
    }

    @Test func theVenvIsMountedAtItsOwnPathReadOnly() {
        let configuration = BubblewrapPython.Configuration(bwrap: "/usr/bin/bwrap", venv: "/srv/aepo/.venv")
        #expect(configuration.python == "/srv/aepo/.venv/bin/python")
        let arguments = configuration.arguments(code: "1")
        let joined = arguments.joined(separator: " ")
        #expect(!joined.contains("--ro-bind / /"))
        #expect(joined.contains("--remount-ro /"))
        // A missing venv is not mounted (nothing to bind), but the python is still the venv's.
        #expect(!joined.contains("--ro-bind /srv/aepo/.venv /srv/aepo/.venv"))
        #expect(arguments.suffix(2).first == PythonDriver.source && arguments.last == "1")
    }
}
