import Benchmarks
import Foundation
import Testing

@testable import ServerCore

/// The pieces of the `ray` launcher that need no cluster: how an argv
/// becomes Ray's shell entrypoint, and the ZIP a working directory is sent as.
@Suite("Ray entrypoints and packages")
struct RayPackagingTests {
    @Test func plainWordsStayBareAndEverythingElseIsQuoted() {
        #expect(RayEntrypoint.command(["python3", "-m", "verl.trainer.main_ppo", "trainer.total_training_steps=200"])
            == "python3 -m verl.trainer.main_ppo trainer.total_training_steps=200")
        #expect(RayEntrypoint.command(["echo", "a b", "it's", "$HOME", "", "x;rm"])
            == #"echo 'a b' 'it'\''s' '$HOME' '' 'x;rm'"#)
        // A first word with "=" would be a shell assignment.
        #expect(RayEntrypoint.command(["A=1", "B=2"]) == "'A=1' B=2")
        #expect(RayEntrypoint.command(["trainer.logger=['console','file']"]) == #"'trainer.logger=['\''console'\'','\''file'\'']'"#)
    }

    @Test func crc32MatchesTheCheckValue() {
        // The CRC-32/ISO-HDLC check value of "123456789".
        #expect(CRC32.checksum(Data("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Data()) == 0)
    }

    @Test func packagesAreReproducibleAndRefuseLinks() throws {
        let directory = try TemporaryDirectory.make()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("pkg/sub"), withIntermediateDirectories: true)
        try Data("print('hi')\n".utf8).write(to: directory.appendingPathComponent("pkg/run.py"))
        try Data("x".utf8).write(to: directory.appendingPathComponent("pkg/sub/data.txt"))
        let first = try RayPackage(directory: directory.appendingPathComponent("pkg").path)
        let second = try RayPackage(directory: directory.appendingPathComponent("pkg").path)
        #expect(first.archive == second.archive)
        #expect(first.uri == second.uri)
        #expect(first.uri.hasPrefix("gcs://_ray_pkg_") && first.uri.hasSuffix(".zip"))
        try Data("y".utf8).write(to: directory.appendingPathComponent("pkg/sub/data.txt"))
        #expect(try RayPackage(directory: directory.appendingPathComponent("pkg").path).uri != first.uri)
        #expect(throws: RayJobsError.self) {
            try RayPackage(directory: directory.appendingPathComponent("pkg").path, limit: 1)
        }
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("pkg/link").path, withDestinationPath: "/etc/passwd")
        #expect(throws: RayJobsError.package("link is a symbolic link; the package holds regular files only")) {
            try RayPackage(directory: directory.appendingPathComponent("pkg").path)
        }
    }

    /// Python's zipfile reads what ZipWriter writes, names and bytes alike.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["AEPO_PYTHON"] != nil))
    func pythonReadsTheArchive() throws {
        var writer = ZipWriter()
        try writer.add(path: "a.txt", contents: Data("alpha\n".utf8))
        try writer.add(path: "dir/b.bin", contents: Data((0..<300).map { UInt8($0 % 256) }), mode: 0o755)
        try writer.add(path: "é.txt", contents: Data())
        let directory = try TemporaryDirectory.make()
        let path = directory.appendingPathComponent("p.zip").path
        try writer.finished().write(to: URL(fileURLWithPath: path))
        let script = """
            import zipfile, sys, hashlib
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None
            for i in z.infolist():
                print(i.filename, i.file_size, hashlib.sha256(z.read(i)).hexdigest()[:8], oct(i.external_attr >> 16))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ProcessInfo.processInfo.environment["AEPO_PYTHON"]))
        process.arguments = ["-c", script, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(output == """
            a.txt 6 \(sha8("alpha\n")) 0o100644
            dir/b.bin 300 \(sha8(Data((0..<300).map { UInt8($0 % 256) }))) 0o100755
            é.txt 0 \(sha8("")) 0o100644

            """)
    }

    private func sha8(_ text: String) -> String { sha8(Data(text.utf8)) }
    private func sha8(_ data: Data) -> String { String(DatasetParser.sha256Hex(of: data).prefix(8)) }
}

/// The Ray Jobs REST client against a real Ray head (`ray[default]` from
/// PyPI, started by the tests): packages, environment, arguments, logs,
/// exit codes, duplicates and stop.
@Suite("Ray Jobs API on a real head", .enabled(if: RayHead.shouldRun))
struct RayJobsClientTests {
    @Test func runsAPackagedScriptWithItsEnvironmentAndArguments() async throws {
        let client = try RayJobsClient(address: try await RayHead.dashboard())
        let directory = try TemporaryDirectory.make()
        try Data("import os, sys\nprint('argv', sys.argv[1:])\nprint('env', os.environ.get('AEPO_TEST_VALUE'))\nsys.exit(3)\n".utf8)
            .write(to: directory.appendingPathComponent("script.py"))
        let uri = try await client.upload(try RayPackage(directory: directory.path))
        let id = "aepo-test-\(UUID().uuidString.prefix(8))"
        var job = RayJobSubmission(submissionID: id, entrypoint: ["python3", "script.py", "a b", "it's", "$HOME", "x=['1','2']"])
        job.runtimeEnvironment = ["working_dir": .string(uri), "env_vars": .object(["AEPO_TEST_VALUE": .string("v 1")])]
        job.numCPUs = 0.5
        job.metadata = ["aepo": "test"]
        try await client.submit(job)
        await #expect(throws: RayJobsError.duplicate(submissionID: id)) { try await client.submit(job) }
        let info = try await waitTerminal(client, id)
        #expect(info.status == .failed)
        #expect(info.driverExitCode == 3)
        let logs = try await client.logs(id)
        #expect(logs.contains(#"argv ['a b', "it's", '$HOME', "x=['1','2']"]"#))
        #expect(logs.contains("env v 1"))
        #expect(try await client.list().contains { $0.submissionID == id })
        await #expect(throws: RayJobsError.unknownJob(submissionID: "aepo-none")) { try await client.info("aepo-none") }
    }

    @Test func stopEndsTheEntrypointAndItsChildren() async throws {
        let client = try RayJobsClient(address: try await RayHead.dashboard())
        let directory = try TemporaryDirectory.make()
        let pidFile = directory.appendingPathComponent("pids").path
        let id = "aepo-test-\(UUID().uuidString.prefix(8))"
        // A shell whose child sleeps: both must be gone after the stop.
        try await client.submit(RayJobSubmission(
            submissionID: id, entrypoint: ["sh", "-c", "sleep 300 & echo $$ $! > \(pidFile); wait"]))
        let deadline = ContinuousClock.now + .seconds(60)
        while !FileManager.default.fileExists(atPath: pidFile), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let pids = try String(contentsOfFile: pidFile, encoding: .utf8).split(separator: " ").compactMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(pids.count == 2)
        #expect(try await client.info(id).status == .running)
        #expect(try await client.stop(id))
        let info = try await waitTerminal(client, id)
        #expect(info.status == .stopped)
        for pid in pids {
            var gone = false
            for _ in 0..<100 {
                if kill(pid, 0) != 0 { gone = true; break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(gone, "process \(pid) outlived the stop")
        }
    }

    /// The driver log in byte ranges from the node's agent: the same bytes
    /// as the whole-log endpoint's text (but for "\r\n", which Ray's text
    /// read makes one byte), the size at the end, and a file it does not
    /// have named as unavailable.
    @Test func theDriverLogIsReadInByteRangesFromTheNodesAgent() async throws {
        let client = try RayJobsClient(address: try await RayHead.dashboard())
        let id = "aepo-test-\(UUID().uuidString.prefix(8))"
        try await client.submit(RayJobSubmission(
            submissionID: id, entrypoint: ["python3", "-c", "import sys\nfor i in range(50): print(f'line {i} é')\nsys.stdout.write('a\\r\\nb')"]))
        let info = try await waitTerminal(client, id)
        #expect(info.status == .succeeded)
        let agent = try #require(info.driverAgentHTTPAddress)
        var bytes: [UInt8] = []
        var size: Int64?
        // Seven bytes a request: reads cut lines and characters, the bytes join up.
        while true {
            let read = try await client.driverLog(agent: agent, submissionID: id, from: Int64(bytes.count), maxBytes: 7)
            guard case .bytes(let chunk, let total) = read else {
                #expect(read == .end(size: Int64(bytes.count)))
                break
            }
            #expect(chunk.count <= 7 && !chunk.isEmpty)
            bytes += chunk
            size = total
        }
        #expect(size == Int64(bytes.count))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("line 49 é\na\r\nb"))
        #expect(try await client.logs(id) == text.replacingOccurrences(of: "\r\n", with: "\n"))
        // Past the end: the size, so a shrunk file is seen as one.
        #expect(try await client.driverLog(agent: agent, submissionID: id, from: 1 << 30, maxBytes: 10) == .end(size: Int64(bytes.count)))
        guard case .unavailable = try await client.driverLog(agent: agent, submissionID: "aepo-none", from: 0, maxBytes: 10) else {
            Issue.record("a file the agent does not have must be unavailable")
            return
        }
    }

    @Test func anUnreachableDashboardIsNamed() async throws {
        let port = try FreePort.find()
        let client = try RayJobsClient(address: "http://127.0.0.1:\(port)/", timeout: .seconds(2))
        #expect(client.address == "http://127.0.0.1:\(port)")
        await #expect {
            try await client.version()
        } throws: { error in
            guard case RayJobsError.unreachable(let address, _) = error else { return false }
            return address == "http://127.0.0.1:\(port)"
        }
        #expect(throws: RayJobsError.self) { try RayJobsClient(address: "127.0.0.1:8265") }
    }

    private func waitTerminal(_ client: RayJobsClient, _ id: String) async throws -> RayJobInfo {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let info = try await client.info(id)
            if info.status.isTerminal { return info }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CoreError.misconfigured("timeout", "job \(id) did not end")
    }
}

/// How a Ray replica's log is read: chunks that cut lines, Windows line
/// ends, the bootstrap's port line, the whole-log fallback and a skip.
@Suite("Ray replica log reader")
struct RayLogReaderTests {
    @Test func linesAreWholeWhateverTheChunks() {
        var reader = RayLogReader()
        let log = Array("Runtime env is setting up.\naepo-replica-port: 41093\r\nserving on 0.0.0.0".utf8)
        // A read cut mid-line takes the complete lines; the rest is read again from the offset.
        #expect(reader.read(Array(log[..<35]), final: false) == ["Runtime env is setting up."])
        #expect(reader.port == nil && reader.offset == 27)
        #expect(reader.read(Array(log[27..<64]), final: false) == ["aepo-replica-port: 41093"])
        #expect(reader.port == 41093)
        #expect(reader.offset == 53)
        #expect(reader.read(Array(log[53...]), final: false) == [])
        #expect(reader.read(Array(log[53...]), final: true) == ["serving on 0.0.0.0"])
        #expect(reader.offset == Int64(log.count))
        reader.skip(to: 1000)
        #expect(reader.offset == 1000 && reader.read(Array("tail\n".utf8), final: false) == ["tail"])
    }

    @Test func theWholeLogIsReadFromWhereItStopped() {
        var reader = RayLogReader()
        #expect(reader.newLines(in: "a\nb") == ["a"])
        #expect(reader.newLines(in: "a\nbc\nd") == ["bc"])
        #expect(reader.newLines(in: "a\nbc\nde", final: true) == ["de"])
        // A log shorter than what was read is another log: read from its start.
        #expect(reader.newLines(in: "x\n") == ["x"])
    }
}
