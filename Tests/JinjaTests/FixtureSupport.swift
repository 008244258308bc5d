import Foundation
import Testing

@testable import Jinja

/// One recorded render from `Tests/JinjaTests/Fixtures/expected.json`
/// (written by `scripts/hf-fixtures/templates.py` with transformers).
struct FixtureCase: Sendable, CustomTestStringConvertible {
    let id: String
    let record: ValueDict

    var testDescription: String { id }

    subscript(key: String) -> Value? { record[key] }

    var expectedText: String? {
        if case .string(let s)? = record["expected"] { return s }
        return nil
    }

    /// (exception type, message, line) when transformers raised.
    var expectedError: (type: String, message: String, line: Int?)? {
        guard case .dict(let e)? = record["error"], case .string(let t)? = e["type"], case .string(let m)? = e["message"]
        else { return nil }
        var line: Int?
        if case .int(let l)? = e["line"] { line = l }
        return (t, m, line)
    }
}

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The parsed expected.json; a broken fixture file fails the tests that read it.
    static let all: ValueDict = {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("expected.json").path),
            let text = String(data: data, encoding: .utf8), case .dict(let d)? = try? Value(json: text)
        else { return ValueDict() }
        return d
    }()

    static func cases(_ section: String) -> [FixtureCase] {
        guard case .list(let items)? = all[section] else { return [] }
        return items.compactMap { item in
            guard case .dict(let d) = item, case .string(let id)? = d["id"] else { return nil }
            return FixtureCase(id: id, record: d)
        }
    }

    static func template(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("templates").appendingPathComponent(name), encoding: .utf8)
    }

    /// The clock the fixtures froze (`datetime.now()` = 2025-03-07 14:05:09.123456), shown in UTC.
    static let environment: Environment = {
        var c = DateComponents()
        (c.year, c.month, c.day, c.hour, c.minute, c.second, c.nanosecond) = (2025, 3, 7, 14, 5, 9, 123_456_000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: c)!
        return .transformers(now: { date }, timeZone: TimeZone(identifier: "UTC")!)
    }()

    static func context(_ value: Value?) -> [String: Value] {
        guard case .dict(let d)? = value else { return [:] }
        var out: [String: Value] = [:]
        for e in d.entries { if case .string(let k) = e.key { out[k] = e.value } }
        return out
    }
}

extension ChatTemplateError {
    /// The Python exception type transformers raises for this error.
    var pythonType: String {
        switch self {
        case .template(let e): e.kind
        case .missingTemplate, .invalidInput, .invalidCheckpoint: "ValueError"
        }
    }
}

/// Checks a render against a recorded outcome: identical text, or the
/// same exception type and message.
func expectOutcome(_ fixture: FixtureCase, _ render: () throws -> String) {
    do {
        let text = try render()
        if let expected = fixture.expectedText {
            #expect(text == expected, "\(fixture.id)")
            if text != expected { reportDifference(text, expected) }
        } else {
            Issue.record("\(fixture.id): rendered \(String(reflecting: text)) but transformers raised \(String(describing: fixture.expectedError))")
        }
    } catch let error as JinjaError {
        check(fixture, type: error.kind, message: error.message, line: { if case .syntax(_, let l) = error { l } else { nil } }())
    } catch let error as ChatTemplateError {
        var line: Int?
        if case .template(.syntax(_, let l)) = error { line = l }
        check(fixture, type: error.pythonType, message: error.message, line: line)
    } catch {
        Issue.record("\(fixture.id): unexpected error \(error)")
    }
}

private func check(_ fixture: FixtureCase, type: String, message: String, line: Int?) {
    guard let expected = fixture.expectedError else {
        Issue.record("\(fixture.id): raised \(type): \(message), but transformers rendered \(String(reflecting: fixture.expectedText ?? ""))")
        return
    }
    #expect(type == expected.type, "\(fixture.id)")
    #expect(message == expected.message, "\(fixture.id)")
    if let l = expected.line { #expect(line == l, "\(fixture.id): line") }
}

/// Prints the first differing line, which is what one needs to fix a mismatch.
private func reportDifference(_ got: String, _ expected: String) {
    let a = got.components(separatedBy: "\n")
    let b = expected.components(separatedBy: "\n")
    for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : nil) != (i < b.count ? b[i] : nil) {
        print("line \(i + 1):\n  got      \(String(reflecting: i < a.count ? a[i] : "<none>"))\n  expected \(String(reflecting: i < b.count ? b[i] : "<none>"))")
        return
    }
}
