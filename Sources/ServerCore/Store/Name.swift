import Foundation

/// Why a checkpoint name was refused.
package enum NameError: Error, CustomStringConvertible {
    case missing
    case empty
    case tooLong(Int)
    case controlCharacter

    package var description: String {
        switch self {
        case .missing: "a name is required (for raw uploads: ?name=...)"
        case .empty: "the name is empty"
        case .tooLong(let count): "the name has \(count) characters; at most \(Name.maxLength) are allowed"
        case .controlCharacter: "the name contains a control character"
        }
    }
}

/// Names are labels, never paths: 1-200 printable characters, `/` allowed.
/// They are stored as given and never used to build a file path.
package enum Name {
    package static let maxLength = 200

    /// Returns `name` unchanged when it is a valid label.
    package static func validate(_ name: String?) throws(NameError) -> String {
        guard let name else { throw .missing }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .empty }
        guard name.count <= maxLength else { throw .tooLong(name.count) }
        let hasControl = name.unicodeScalars.contains { scalar in
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator: true
            default: false
            }
        }
        guard !hasControl else { throw .controlCharacter }
        return name
    }
}
