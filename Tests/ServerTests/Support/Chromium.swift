import Foundation

/// Debian's headless Chromium, driven from the command line: `--dump-dom`
/// for the DOM after scripts ran, `--screenshot` for pictures.
enum Chromium {
    /// Under the README's test command a missing browser fails the suite.
    static let required = ProcessInfo.processInfo.environment["AEPO_REQUIRE_TOOLS"] == "1"

    /// `$AEPO_CHROMIUM`, else the first of chromium / chromium-browser on PATH.
    static let path: String? = {
        if let path = ProcessInfo.processInfo.environment["AEPO_CHROMIUM"] { return path }
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser"] {
            for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }()

    /// Whether the suite runs: the browser is there, or it must be.
    static var shouldRun: Bool { path != nil || required }

    /// Where screenshots go: `test-artifacts/pages` at the package root (gitignored).
    static let artifacts: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("test-artifacts/pages", isDirectory: true)
    }()

    /// The serialized DOM of `url` once the page loaded and its scripts ran.
    /// With `virtualTimeBudget` (milliseconds) the browser also lets timers
    /// and network events run that long in virtual time; virtual time stands
    /// still while a request is open, so a page following an event stream
    /// is dumped after the stream closes.
    static func dumpDOM(_ url: String, windowSize: String = "1366,900", virtualTimeBudget: Int? = nil) async throws -> String {
        let budget = virtualTimeBudget.map { ["--virtual-time-budget=\($0)"] } ?? []
        return try await offThePool { try run(budget + ["--dump-dom", "--window-size=\(windowSize)", url]) }
    }

    /// Saves a PNG of `url` at `width` x `height` CSS pixels.
    static func screenshot(_ url: String, to file: URL, width: Int, height: Int) async throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: file)
        _ = try await offThePool {
            try run(["--screenshot=\(file.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", url])
        }
        guard FileManager.default.fileExists(atPath: file.path) else { throw ChromiumError.noScreenshot(url) }
    }

    /// Runs the browser with `arguments` (a fresh profile each time) and
    /// returns its stdout; killed after `timeout` seconds.
    private static func run(_ arguments: [String], timeout: TimeInterval = 90) throws -> String {
        guard let path else { throw ChromiumError.missing }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("aepo-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=\(profile.path)",
        ] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let timer = DispatchSource.makeTimerSource()
        timer.schedule(deadline: .now() + timeout)
        timer.setEventHandler { if process.isRunning { process.terminate() } }
        timer.resume()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw ChromiumError.failed(arguments.joined(separator: " "), process.terminationStatus)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The `href` values in `html` that start with `prefix`, in order.
    static func links(in html: String, startingWith prefix: String) -> [String] {
        html.components(separatedBy: "href=\"").dropFirst().compactMap { part in
            let href = String(part.prefix(while: { $0 != "\"" })).replacingOccurrences(of: "&amp;", with: "&")
            return href.hasPrefix(prefix) ? href : nil
        }
    }
}

enum ChromiumError: Error, CustomStringConvertible {
    case missing
    case failed(String, Int32)
    case noScreenshot(String)

    var description: String {
        switch self {
        case .missing: "chromium is not installed: run scripts/setup (AEPO_REQUIRE_TOOLS=1 makes this a failure)"
        case .failed(let arguments, let status): "chromium \(arguments) exited with \(status)"
        case .noScreenshot(let url): "chromium wrote no screenshot of \(url)"
        }
    }
}

/// Runs blocking work (a child process) on a Dispatch thread, so the
/// cooperative pool, which also serves the scripted model of the same test
/// process, is never starved by tests waiting on a browser or on curl.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
