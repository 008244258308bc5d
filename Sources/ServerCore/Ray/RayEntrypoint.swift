import Foundation

/// The Ray Jobs API runs an entrypoint through `/bin/sh -c`; aepo's
/// commands are argv arrays, so each argument is quoted to reach the
/// program exactly as given, never interpreted by the shell.
package enum RayEntrypoint {
    /// `argv` as one shell command line.
    package static func command(_ argv: [String]) -> String {
        argv.enumerated().map { index, argument in
            // A first word like `A=b` would be read as an assignment.
            index == 0 && argument.contains("=") ? quoteAlways(argument) : quote(argument)
        }.joined(separator: " ")
    }

    /// One argument in single quotes (a `'` inside becomes `'\''`); plain
    /// words stay bare so the entrypoint reads naturally in Ray's dashboard.
    package static func quote(_ argument: String) -> String {
        let plain = !argument.isEmpty && argument.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))) || "-_./=:,+@%".unicodeScalars.contains(scalar)
        }
        return plain ? argument : quoteAlways(argument)
    }

    private static func quoteAlways(_ argument: String) -> String {
        "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
