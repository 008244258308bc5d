import Foundation

/// How `PageFetcher` reads a body: the media type and charset of a
/// `Content-Type`, what kind of page that is, and the bytes as text.
enum PageDecoding {
    /// What a page is, for the fetcher.
    enum Kind: Equatable {
        case html
        /// Text that is not HTML: kept as it is, whitespace collapsed.
        case text
        /// Not text: skipped.
        case other
        /// No `Content-Type`: decided from the bytes (`sniff`).
        case unknown
    }

    /// The lower-cased media type and charset of a `Content-Type` header
    /// (`text/html; charset=UTF-8` → `("text/html", "utf-8")`).
    static func contentType(_ header: String?) -> (mediaType: String, charset: String?) {
        guard let header else { return ("", nil) }
        let parts = header.split(separator: ";").map { $0.trimmed.lowercased() }
        let charset = parts.dropFirst().first { $0.hasPrefix("charset=") }
            .map { $0.dropFirst("charset=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")) }
        return (parts.first ?? "", charset)
    }

    /// The kind of a media type.
    static func kind(of mediaType: String) -> Kind {
        switch mediaType {
        case "": return .unknown
        case "text/html", "application/xhtml+xml": return .html
        case "application/json", "application/xml": return .text
        default:
            if mediaType.hasPrefix("text/") || mediaType.hasSuffix("+json") || mediaType.hasSuffix("+xml") { return .text }
            return .other
        }
    }

    /// The kind of an untyped body: markup first (after whitespace) is
    /// HTML; no NUL byte in the first KiB is text; else not text.
    static func sniff(_ bytes: [UInt8]) -> Kind {
        let start = bytes.prefix(1024)
        if start.contains(0) { return .other }
        let first = start.first { !(0x09...0x0D).contains($0) && $0 != 0x20 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        return first == UInt8(ascii: "<") ? .html : .text
    }

    /// The bytes as text in `charset` (UTF-8 unless a Latin-1 family
    /// charset is named); invalid sequences become U+FFFD.
    static func decode(_ bytes: [UInt8], charset: String?) -> String {
        switch charset {
        case "iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii":
            return String(bytes: bytes, encoding: .isoLatin1) ?? String(decoding: bytes, as: UTF8.self)
        case "windows-1252", "cp1252":
            return String(bytes: bytes, encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// `bytes` without a UTF-8 sequence cut short at its end (a body cut
    /// at the byte cap may end inside a character).
    static func completeUTF8Prefix(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return bytes }
        // The lead byte of the last sequence is at most 3 bytes from the end.
        for back in 1...min(4, bytes.count) {
            let byte = bytes[bytes.count - back]
            if byte & 0xC0 == 0x80 { continue }  // a continuation byte
            let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            return length > back ? Array(bytes.dropLast(back)) : bytes
        }
        return bytes
    }
}
