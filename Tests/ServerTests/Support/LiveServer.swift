import Foundation
import Testing

/// A real `aepo serve` process on a free port, for kill, restart and
/// signal cases that an in-process app cannot show.
final class LiveServer {
    let dataDirectory: URL
    let process = Process()
    private(set) var port = 0
    private let output = Pipe()

    /// The built `aepo` binary beside the test bundle (or `$AEPO_BINARY`).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["AEPO_BINARY"] { return URL(fileURLWithPath: path) }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return runner.deletingLastPathComponent().appendingPathComponent("aepo")
    }

    /// Starts a server on `dataDirectory` and waits until it listens.
    init(dataDirectory: URL, arguments: [String] = [], environment: [String: String] = [:]) throws {
        self.dataDirectory = dataDirectory
        process.executableURL = Self.binary
        process.arguments = ["serve", "--port", "0", "--data-dir", dataDirectory.path, "--log-level", "warning"] + arguments
        var env = ProcessInfo.processInfo.environment
        env["AEPO_ADMIN_TOKEN"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        // Any working directory will do: migrations and Public/ ship with the binary.
        process.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        try process.run()
        port = try readPort()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    var adminToken: String {
        (try? String(contentsOf: dataDirectory.appendingPathComponent("admin-token"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// Reads stdout until the "listening on" line and returns its port.
    private func readPort() throws -> Int {
        let handle = output.fileHandleForReading
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0) })
            {
                return port
            }
        }
        throw LiveServerError.didNotStart(text)
    }

    /// Sends `signal` and waits for the process to exit, returning its status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Resident set size of the server process in bytes, from /proc.
    func residentBytes() -> Int64 {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        let kilobytes = line.split(separator: " ").compactMap { Int64($0) }.first ?? 0
        return kilobytes * 1024
    }
}

enum LiveServerError: Error {
    case didNotStart(String)
}

/// Runs `curl` with `arguments` and returns (exit status, stdout).
@discardableResult
func curl(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-sS"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Starts `curl` in the background (for uploads that get interrupted).
func startCurl(_ arguments: [String], output: URL) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-sS", "-o", output.path] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

/// Writes a file of `size` pseudo-random bytes and returns its URL.
func makeFile(size: Int, in directory: URL, name: String = "payload.bin") throws -> URL {
    let url = directory.appendingPathComponent(name)
    FileManager.default.createFile(atPath: url.path, contents: nil)
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var remaining = size
    while remaining > 0 {
        let count = min(remaining, 1 << 20)
        var chunk = [UInt8](repeating: 0, count: count)
        for index in stride(from: 0, to: count, by: 8) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            withUnsafeBytes(of: state) { bytes in
                for offset in 0..<min(8, count - index) { chunk[index + offset] = bytes[offset] }
            }
        }
        handle.write(Data(chunk))
        remaining -= count
    }
    return url
}

/// Polls `condition` every 50 ms for up to `seconds`, sleeping with
/// `Task.sleep`: a live test waits minutes, and a blocked thread of the
/// cooperative pool (two on a two-core machine) stalls every other test.
func eventually(seconds: Double = 10, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try condition()
}

/// Polls `condition` every 50 ms for up to `seconds` (blocking: for synchronous code only).
func eventually(seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}
