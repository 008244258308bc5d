import Foundation

extension MathVerifyWorker {
    /// One request line sent to the Python worker.
    struct Request: Encodable {
        let id: Int
        let gold: String
        let prediction: String
    }

    /// A line the worker wrote: the handshake or an answer. Lines that do not
    /// decode (stray prints) are ignored.
    struct Message: Decodable {
        let id: Int?
        let equal: Bool?
        let error: String?
        let ready: Bool?
        let version: String?
    }

    /// How one exchange ended.
    enum Reply: Equatable {
        case answer(MathVerdict)
        case timedOut
        case died(stderr: String)
    }

    /// Waits for the `{"ready": ...}` line of a fresh process.
    /// - Returns: the math-verify version it reports.
    func handshake(with worker: WorkerProcess) async throws(MathVerifyError) -> String? {
        let deadline = ContinuousClock.now + configuration.startupTimeout
        while true {
            switch await worker.stdout.next(timeout: deadline - ContinuousClock.now) {
            case .line(let line):
                guard let message = decode(line), let ready = message.ready else { continue }
                guard ready else {
                    throw .mathVerifyUnavailable(
                        python: worker.python, detail: message.error ?? "import failed")
                }
                return message.version
            case .endOfStream:
                await worker.waitForExit(within: .seconds(2))
                throw .exitedDuringStartup(python: worker.python, stderr: worker.stderrTail())
            case .timedOut:
                let components = configuration.startupTimeout.components
                let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
                throw .startupTimedOut(python: worker.python, seconds: seconds)
            }
        }
    }

    /// Sends one request and waits for the answer with the same id, at
    /// most `configuration.timeout`.
    func exchange(_ request: Request, with worker: WorkerProcess) async -> Reply {
        guard var line = try? JSONEncoder().encode(request) else { return .answer(.undecided) }
        line.append(UInt8(ascii: "\n"))
        guard worker.send(line) else { return .died(stderr: worker.stderrTail()) }
        let deadline = ContinuousClock.now + configuration.timeout
        while true {
            switch await worker.stdout.next(timeout: deadline - ContinuousClock.now) {
            case .line(let text):
                guard let message = decode(text), message.id == request.id,
                    let equal = message.equal
                else { continue }
                if message.error != nil { return .answer(.undecided) }
                return .answer(equal ? .equal : .notEqual)
            case .endOfStream:
                await worker.waitForExit(within: .seconds(2))
                return .died(stderr: worker.stderrTail())
            case .timedOut:
                return .timedOut
            }
        }
    }

    private func decode(_ line: String) -> Message? {
        try? JSONDecoder().decode(Message.self, from: Data(line.utf8))
    }
}
