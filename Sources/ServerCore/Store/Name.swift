import Foundation

/// Why a checkpoint name was refused.
package enum NameError: Error, CustomStringConvertible {
    case missing
    case empty
    case tooLong(Int)
    case controlCharacter
    case bidiControl

    package var description: String {
        switch self {
        case .missing: "a name is required (for raw uploads: ?name=...)"
        case .empty: "the name is empty"
        case .tooLong(let count): "the name has \(count) Unicode scalars; at most \(Name.maxLength) are allowed"
        case .controlCharacter: "the name contains a control character"
        case .bidiControl:
            "the name contains a bidirectional control character (U+202A-U+202E, U+2066-U+2069), "
                + "which would make it display as something else"
        }
    }
}

/// Names are labels, never paths: 1-200 printable Unicode scalars, `/`
/// allowed. They are stored as given and never used to build a file path.
/// Length counts scalars, not grapheme clusters: one "character" built of a
/// thousand combining marks is a thousand scalars.
package enum Name {
    package static let maxLength = 200

    /// Returns `name` unchanged when it is a valid label.
    package static func validate(_ name: String?) throws(NameError) -> String {
        guard let name else { throw .missing }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .empty }
        let scalars = name.unicodeScalars.count
        guard scalars <= maxLength else { throw .tooLong(scalars) }
        let hasControl = name.unicodeScalars.contains { scalar in
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator: true
            default: false
            }
        }
        guard !hasControl else { throw .controlCharacter }
        // Embeddings and overrides reorder what is displayed (the isolates
        // U+2066-U+2069 too); the marks U+200E/U+200F cannot and are allowed.
        let hasBidi = name.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }
        guard !hasBidi else { throw .bidiControl }
        return name
    }
}
