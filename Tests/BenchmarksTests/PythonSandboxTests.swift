import Foundation
import Hummingbird
import Testing
@testable import Benchmarks

/// These run real programs under bubblewrap; they are skipped where
/// `bwrap` is not installed (the refusal tests always run).
@Suite("Python sandbox (bubblewrap)")
struct PythonSandboxTests {
    static let bwrapInstalled = BubblewrapPython.Configuration.onPath("bwrap") != nil

    func runner(wall: Double = 15, cpu: Int = 10, outputBytes: Int = 64 << 10) -> BubblewrapPython {
        BubblewrapPython(configuration: .init(cpuSeconds: cpu, wallTimeoutSeconds: wall, outputByteLimit: outputBytes))
    }

    @Test(.enabled(if: bwrapInstalled)) func printsAndExitsCleanly() async throws {
        let result = try await runner().run("import sys\nprint(6 * 7)\nprint('warn', file=sys.stderr)")
        #expect(result.output == "42\n" && result.errorOutput == "warn\n")
        #expect(result.exitStatus == 0 && !result.timedOut && !result.truncated)
        // On success the model sees standard output only.
        #expect(result.render(characterBudget: 1000) == "42")
        let silent = try await runner().run("x = 1")
        #expect(silent.render(characterBudget: 1000) == "(no output)")
    }

    @Test(.enabled(if: bwrapInstalled)) func exceptionTextAndExitStatus() async throws {
        let result = try await runner().run("print('before')\nraise ValueError('boom')")
        #expect(result.exitStatus == 1)
        #expect(result.output == "before\n")
        #expect(result.errorOutput.hasPrefix("Traceback (most recent call last):"))
        #expect(result.errorOutput.contains("File \"<python>\", line 2"))
        #expect(result.errorOutput.contains("ValueError: boom"))
        // The driver's own frames are not shown.
        #expect(!result.errorOutput.contains("exec(compile"))
        // On failure the model sees standard error only.
        let shown = result.render(characterBudget: 1000)
        #expect(shown.hasPrefix("Traceback") && shown.hasSuffix("ValueError: boom\n[exit status 1]"))
    }

    @Test(.enabled(if: bwrapInstalled)) func wallTimeoutKillsTheProcessGroup() async throws {
        let marker = "aepo-orphan-\(UUID().uuidString)"
        let code = """
            import subprocess, time
            subprocess.Popen(['sh', '-c', 'sleep 300 # \(marker)'])
            print('started')
            time.sleep(300)
            """
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await runner(wall: 1).run(code)
        // Far below the 300 s sleep: robust on a loaded machine.
        #expect(clock.now - start < .seconds(60))
        #expect(result.timedOut && result.exitStatus == nil)
        #expect(result.output == "started\n")
        #expect(result.render(characterBudget: 1000) == "started\n[timed out after 1 s of wall time; the program was killed]")
        #expect(Self.processes(containing: marker).isEmpty)
    }

    /// Ids of live processes whose command line contains `text`.
    static func processes(containing text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { name in
            guard Int(name) != nil, let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else {
                return false
            }
            return String(decoding: data, as: UTF8.self).contains(text)
        }
    }

    @Test(.enabled(if: bwrapInstalled)) func cpuAndMemoryLimits() async throws {
        let spin = try await runner(wall: 30, cpu: 1).run("while True: pass")
        #expect(!spin.timedOut && spin.exitStatus == 137)
        #expect(spin.render(characterBudget: 1000).contains("killed by signal 9: the CPU time or memory limit"))
        let hog = try await runner().run("x = bytearray(4 * 1024 ** 3)")
        #expect(hog.exitStatus == 1 && hog.errorOutput.contains("MemoryError"))
    }

    @Test(.enabled(if: bwrapInstalled)) func noNetworkInside() async throws {
        let recorder = Recorder()
        let output = try await StandInServer.with({ router in
            router.get("secret") { _, _ in
                _ = await recorder.record([:])
                return "reachable"
            }
        }) { base in
            let code = """
                import urllib.request
                try:
                    print(urllib.request.urlopen('\(base)/secret', timeout=3).read())
                except Exception as error:
                    print('blocked', type(error).__name__)
                """
            return try await runner().run(code).output
        }
        #expect(output.hasPrefix("blocked"))
        #expect(await recorder.count == 0)
    }

    @Test(.enabled(if: bwrapInstalled)) func writesOnlyToAPrivateTmp() async throws {
        let marker = "aepo-sandbox-\(UUID().uuidString)"
        let code = """
            open('/tmp/\(marker)', 'w').write('scratch')
            print(open('/tmp/\(marker)').read())
            for path in ['/etc/\(marker)', '/\(marker)', '/usr/\(marker)']:
                try:
                    open(path, 'w').write('x')
                    print('wrote', path)
                except OSError as error:
                    print('refused', error.strerror)
            """
        let result = try await runner().run(code)
        #expect(result.output == "scratch\n" + String(repeating: "refused Read-only file system\n", count: 3))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/\(marker)"))
    }

    @Test(.enabled(if: bwrapInstalled)) func hiddenPathsCannotBeRead() async throws {
        // Outside /tmp, which the sandbox replaces anyway.
        let directory = "/var/tmp/aepo-hidden-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("token-1".utf8).write(to: URL(fileURLWithPath: directory + "/data/admin-token"))
        try Data("key-2".utf8).write(to: URL(fileURLWithPath: directory + "/api-key"))
        let code = """
            for path in ['\(directory)/data/admin-token', '\(directory)/api-key']:
                try:
                    print(open(path).read())
                except OSError as error:
                    print(type(error).__name__)
            """
        // Host files outside the system directories are not there at all.
        let visible = try await runner().run(code)
        #expect(visible.output == "FileNotFoundError\nFileNotFoundError\n")
        let hidden = BubblewrapPython(
            configuration: .init(hiddenPaths: [directory + "/data", directory + "/api-key", directory + "/missing"]))
        // A hidden file is /dev/null bound over it: depending on the kernel
        // and bubblewrap's version a reader gets PermissionError or an empty
        // file. Either way the secret must not come through.
        let lines = try await hidden.run(code).output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "FileNotFoundError")
        #expect(lines.count == 3 && ["PermissionError", "FileNotFoundError", ""].contains(lines[1]))
        #expect(!lines.contains { $0.contains("token-1") || $0.contains("key-2") })
    }

    @Test(.enabled(if: bwrapInstalled)) func outputIsCappedKeepingTheEnd() async throws {
        let result = try await runner(outputBytes: 4096).run("for i in range(100000): print(i)\nprint('the end')")
        #expect(result.truncated && result.exitStatus == 0)
        #expect(result.output.hasPrefix("0\n1\n2\n") && result.output.hasSuffix("99999\nthe end\n"))
        #expect(result.output.contains("bytes of output omitted"))
        #expect(result.render(characterBudget: 300).count <= 300)
    }

    @Test(.enabled(if: bwrapInstalled)) func cancellationKillsTheProgram() async throws {
        let python = runner(wall: 60)
        try await python.checkAvailability()
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task { try await python.run("import time\ntime.sleep(300)") }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let result = await task.result
        // Far below the 300 s sleep: robust on a loaded machine.
        #expect(clock.now - start < .seconds(60))
        guard case .failure(let error) = result else {
            Issue.record("expected a cancellation, got \(result)")
            return
        }
        #expect(error as? PythonToolError == .cancelled)
    }

    @Test func refusesWithoutBubblewrap() async throws {
        let missing = BubblewrapPython(configuration: .init(bwrap: "/nonexistent/bwrap"))
        let error = await #expect(throws: PythonToolError.self) { try await missing.run("print(1)") }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.hasPrefix("python tool unavailable: bubblewrap (bwrap) not found at /nonexistent/bwrap"))
        let failing = BubblewrapPython(configuration: .init(bwrap: "/bin/false"))
        let probeError = await #expect(throws: PythonToolError.self) { try await failing.run("print(1)") }
        guard case .unavailable(let reason)? = probeError else {
            Issue.record("expected .unavailable, got \(String(describing: probeError))")
            return
        }
        #expect(reason.hasPrefix("the sandbox probe failed (exit status 1)"))
        let tooBig = await #expect(throws: PythonToolError.self) {
            try await BubblewrapPython(configuration: .init(maxCodeBytes: 10)).run(String(repeating: "#", count: 11))
        }
        #expect(tooBig == .codeTooLarge(bytes: 11, limit: 10))
    }
}
