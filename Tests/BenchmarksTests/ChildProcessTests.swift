import Foundation
import Testing

@testable import Benchmarks

@Suite("Child processes")
struct ChildProcessTests {
    private func bash(_ script: String, stdout: OutputMode = .lines(buffer: 1024, whenFull: .wait),
                      stderr: OutputMode = .lines(buffer: 1024, whenFull: .wait), environment: [String: String]? = nil,
                      merge: Bool = false) throws -> ChildProcess {
        try ChildProcess(ChildProcess.Configuration(
            executable: "/bin/bash", arguments: ["-c", script],
            environment: environment ?? ["PATH": "/usr/bin:/bin"], standardOutput: stdout, standardError: stderr,
            mergeStandardError: merge))
    }

    private func lines(_ output: ChildOutput) async -> [String] {
        var lines: [String] = []
        for await line in output { lines.append(line) }
        return lines
    }

    @Test func linesOfBothStreamsAndTheExitStatus() async throws {
        let child = try bash("echo one; echo two >&2; printf 'a\\rb\\rlast\\n'; printf 'no newline'; exit 3")
        async let out = lines(child.standardOutput)
        async let err = lines(child.standardError)
        #expect(await out == ["one", "last", "no newline"])
        #expect(await err == ["two"])
        #expect(await child.wait() == .exited(3))
        #expect(child.hasExited)
    }

    @Test func theEnvironmentIsExactlyTheOneGivenAndNoDescriptorLeaks() async throws {
        let child = try bash(
            "env | sort; ls /proc/self/fd | sort -n | tr '\\n' ' '", environment: ["PATH": "/usr/bin:/bin", "ONLY": "this"])
        let output = await lines(child.standardOutput)
        _ = await child.wait()
        let variables = output.dropLast().filter { !$0.hasPrefix("_=") && !$0.hasPrefix("PWD=") && !$0.hasPrefix("SHLVL=") }
        #expect(variables == ["ONLY=this", "PATH=/usr/bin:/bin"])
        // 0, 1, 2 and the directory ls reads /proc/self/fd through.
        #expect(output.last?.split(separator: " ").count == 4, "open descriptors: \(output.last ?? "")")
    }

    @Test func terminateReachesTheWholeGroupAndSignalsStopAtTheReap() async throws {
        let child = try bash("sleep 300 | tee /dev/null & echo started; wait", stderr: .discard)
        var iterator = child.standardOutput.makeAsyncIterator()
        #expect(await iterator.next() == "started")
        let group = child.pid
        #expect(kill(-group, 0) == 0)
        let termination = await child.terminate(grace: .seconds(5))
        #expect(termination == .signalled(SIGTERM))
        // Nothing of the group is left running: not the pipeline, not `tee`.
        #expect(await eventually { liveMembers(ofGroup: group).isEmpty }, "still running: \(liveMembers(ofGroup: group))")
        #expect(child.signal(SIGTERM) == false)
    }

    @Test func whatTheLeaderLeavesInItsGroupIsKilled() async throws {
        let child = try bash("sleep 300 & echo $!", stderr: .discard)
        let orphan = Int32(await lines(child.standardOutput).first ?? "") ?? 0
        #expect(await child.wait() == .exited(0))
        #expect(orphan > 0)
        #expect(await eventually { !liveMembers(ofGroup: child.pid).contains(orphan) })
    }

    @Test func aFullLineBufferPausesTheChildAndLosesNothing() async throws {
        let child = try bash("seq 1 200000", stdout: .lines(buffer: 64, whenFull: .wait), stderr: .discard)
        try await Task.sleep(for: .milliseconds(300))
        #expect(!child.standardOutput.wantsInput)
        #expect(!child.hasExited, "seq finished although nobody read its output")
        let output = await lines(child.standardOutput)
        #expect(output.count == 200_000 && output.last == "200000")
        #expect(await child.wait() == .exited(0))
    }

    @Test func dropOldestKeepsTheLastLines() async throws {
        let child = try bash("seq 1 10000 >&2", stdout: .discard, stderr: .lines(buffer: 5, whenFull: .dropOldest))
        _ = await child.wait()
        #expect(child.standardError.drain() == ["9996", "9997", "9998", "9999", "10000"])
        #expect(child.standardError.droppedLines == 9995)
    }

    @Test func captureKeepsHeadAndTailOfMergedOutput() async throws {
        let child = try bash("seq 1 100000; echo the end >&2", stdout: .capture(limit: 4096), merge: true)
        _ = await child.wait()
        let (text, truncated) = child.standardOutput.captured()
        #expect(truncated && text.hasPrefix("1\n2\n3\n") && text.hasSuffix("100000\nthe end\n"))
        #expect(text.contains("bytes of output omitted"))
    }

    @Test func stdinIsAPipe() async throws {
        let child = try ChildProcess(ChildProcess.Configuration(
            executable: "/bin/cat", environment: [:], standardInput: true,
            standardOutput: .lines(buffer: 16, whenFull: .wait)))
        try child.write(Data("hello\n".utf8))
        var iterator = child.standardOutput.makeAsyncIterator()
        #expect(await iterator.next() == "hello")
        child.signal(SIGKILL)
        #expect(await child.wait() == .signalled(SIGKILL))
        #expect(throws: ChildProcessError.closed) { try child.write(Data("late\n".utf8)) }
    }

    @Test func waitingWithinALimitReturnsWhileTheChildRuns() async throws {
        let child = try bash("sleep 300", stdout: .discard, stderr: .discard)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await child.wait(within: .milliseconds(100)) == nil)
        #expect(clock.now - start < .seconds(60))
        child.signal(SIGKILL)
        #expect(await child.wait(within: .seconds(60)) == .signalled(SIGKILL))
    }

    @Test func aMissingExecutableIsAnError() throws {
        #expect(throws: ChildProcessError.self) {
            try ChildProcess(ChildProcess.Configuration(executable: "/nonexistent/aepo", environment: [:]))
        }
    }

    @Test func identitiesSurviveOnlyAsTheSameProcess() async throws {
        let me = try #require(ProcessIdentity.current(of: getpid()))
        #expect(me.isAlive && !me.bootID.isEmpty)
        var other = me
        other.startTime += 1
        #expect(!other.isAlive)
        #expect(!other.signalGroup(0))
        let child = try bash("sleep 300", stdout: .discard, stderr: .discard)
        let identity = try #require(child.identity)
        #expect(identity.isAlive && ProcessIdentity.processGroup(of: child.pid) == child.pid)
        #expect(identity.signalGroup(SIGKILL))
        _ = await child.wait()
        #expect(!identity.isAlive)
    }

    @Test func childEnvironmentsHaveNoSecrets() {
        let environment = ChildEnvironment.make(
            from: ["PATH": "/bin", "AEPO_ADMIN_TOKEN": "t", "AEPO_WEB_SEARCH_KEY": "k", "HF_TOKEN": "h",
                   "DB_PASSWORD": "p", "AWS_SECRET_ACCESS_KEY": "s", "HOME": "/root"],
            extra: ["NEEDED_TOKEN": "given"])
        #expect(environment == ["PATH": "/bin", "HOME": "/root", "NEEDED_TOKEN": "given"])
    }
}

/// Polls `condition` every 20 ms for up to 5 s.
private func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<250 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// Pids of the processes of group `group` that are not zombies (a zombie
/// still answers `kill(pid, 0)` until whoever inherited it reaps it).
private func liveMembers(ofGroup group: Int32) -> [Int32] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return names.compactMap { name -> Int32? in
        guard let pid = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let fields = ProcessIdentity.statFields(stat), fields.count > 2
        else { return nil }
        return fields[0] != "Z" && Int32(fields[2]) == group ? pid : nil
    }
}
