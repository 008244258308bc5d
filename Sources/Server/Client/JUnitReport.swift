import Foundation
import ServerCore

/// JUnit XML for CI systems: one test case per benchmark (did it finish
/// with results) and one per `--min` threshold.
enum JUnitReport {
    static func render(evaluation: EvaluationView, checks: [ThresholdCheck], elapsedSeconds: Double) -> String {
        var cases: [String] = []
        for result in evaluation.results {
            let name = "\(result.benchmark) evaluated"
            let summary = "pass@1=\(format(result.passAt1)) pass@5=\(format(result.passAt5)) items=\(result.itemsDone)/\(result.items) samples=\(result.samples) metric=\(result.metric)"
            if evaluation.status == .finished {
                cases.append(testCase(name, output: summary))
            } else {
                cases.append(testCase(name, failure: "evaluation \(evaluation.status.rawValue): \(evaluation.error ?? "")"))
            }
        }
        for check in checks {
            let name = "\(check.benchmark) pass@\(check.k) >= \(check.minimum)"
            if check.passed {
                cases.append(testCase(name, output: "pass@\(check.k)=\(format(check.value))"))
            } else {
                cases.append(testCase(name, failure: "pass@\(check.k)=\(format(check.value)) is below \(check.minimum)"))
            }
        }
        let failures = cases.filter { $0.contains("<failure") }.count
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites>
              <testsuite name="aepo evaluation \(evaluation.id) of \(escape(evaluation.checkpoint.name))" tests="\(cases.count)" failures="\(failures)" errors="0" time="\(String(format: "%.3f", elapsedSeconds))">
            \(cases.joined(separator: "\n"))
              </testsuite>
            </testsuites>

            """
    }

    private static func testCase(_ name: String, output: String? = nil, failure: String? = nil) -> String {
        var text = "    <testcase classname=\"aepo\" name=\"\(escape(name))\">"
        if let failure { text += "<failure message=\"\(escape(failure))\"/>" }
        if let output { text += "<system-out>\(escape(output))</system-out>" }
        return text + "</testcase>"
    }

    static func format(_ value: Double?) -> String {
        value.map { String(format: "%.4f", $0) } ?? "n/a"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case _ where character.value < 0x20 && character != "\n" && character != "\t": escaped += " "
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
