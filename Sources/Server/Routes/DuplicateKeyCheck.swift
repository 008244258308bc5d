/// Finds the first object key that appears twice in one JSON object.
///
/// Foundation's decoders keep one of the two values silently, so
/// `{"samples":1,"samples":100}` would run whichever the parser picked. The
/// scan is one pass over the bytes with a stack of key sets; keys are
/// compared after unescaping (`"a"` and `"\u0061"` are the same key). It does
/// not validate the JSON otherwise: the decoder that runs next does.
enum DuplicateKeyCheck {
    /// The dotted path of the first duplicated key (`endpoint.url`), or nil.
    static func firstDuplicate(in bytes: some Collection<UInt8>) -> String? {
        var scanner = Scanner(bytes: Array(bytes))
        return scanner.run()
    }

    private struct Scanner {
        enum Container {
            case object(keys: Set<String>, current: String?)
            case array(index: Int)
        }

        let bytes: [UInt8]
        var position = 0
        var stack: [Container] = []
        /// Whether the next string in an object is a key (not a value).
        var expectingKey = false

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func run() -> String? {
            while position < bytes.count {
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "{"):
                    stack.append(.object(keys: [], current: nil))
                    expectingKey = true
                    position += 1
                case UInt8(ascii: "["):
                    stack.append(.array(index: 0))
                    expectingKey = false
                    position += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    _ = stack.popLast()
                    expectingKey = false
                    position += 1
                case UInt8(ascii: ","):
                    if case .object(let keys, _)? = stack.last {
                        stack[stack.count - 1] = .object(keys: keys, current: nil)
                        expectingKey = true
                    } else if case .array(let index)? = stack.last {
                        stack[stack.count - 1] = .array(index: index + 1)
                    }
                    position += 1
                case UInt8(ascii: "\""):
                    guard let string = readString() else { return nil }
                    if expectingKey, case .object(var keys, _)? = stack.last {
                        if !keys.insert(string).inserted { return path(ending: string) }
                        stack[stack.count - 1] = .object(keys: keys, current: string)
                        expectingKey = false
                    }
                default:
                    position += 1
                }
            }
            return nil
        }

        /// Reads a string starting at the opening quote; nil if it never ends.
        mutating func readString() -> String? {
            position += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll(keepingCapacity: true)
            }
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\"") {
                    flush()
                    return String(scalars)
                }
                guard byte == UInt8(ascii: "\\") else {
                    raw.append(byte)
                    continue
                }
                guard position < bytes.count else { return nil }
                let escape = bytes[position]
                position += 1
                flush()
                switch escape {
                case UInt8(ascii: "u"):
                    guard var unit = hex4() else { return nil }
                    // A surrogate pair spells one scalar in two escapes.
                    if (0xD800...0xDBFF).contains(unit), position + 1 < bytes.count,
                        bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                    {
                        position += 2
                        guard let low = hex4() else { return nil }
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low &- 0xDC00)
                    }
                    scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                default: scalars.append(Unicode.Scalar(escape))
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard position + 4 <= bytes.count,
                let value = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
            else { return nil }
            position += 4
            return value
        }

        func path(ending key: String) -> String {
            var parts: [String] = []
            for container in stack.dropLast() {
                switch container {
                case .object(_, let current): parts.append(current ?? "?")
                case .array(let index): parts.append(String(index))
                }
            }
            return (parts + [key]).joined(separator: ".")
        }
    }
}
