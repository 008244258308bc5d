/// A streaming tar reader. Feed it the body's chunks as they arrive; it
/// hands back entries and slices of their data, never holding more than one
/// header block or one extended header (bounded by the limits).
///
/// Reads POSIX ustar, pax extended headers (`x`: `path`, `size`; `g` is
/// read and ignored) and GNU long names (`L`; `K` long link names are read
/// and ignored), as GNU tar and Python's `tarfile` write them. Any entry
/// other than a regular file or a directory is refused, naming it.
package struct TarParser: Sendable {
    /// What the archive holds next.
    package enum Event {
        /// A directory, its path normalised (never the root).
        case directory(String)
        /// A regular file, its path normalised, and how many bytes follow.
        case file(String, size: Int64)
        /// The next bytes of the current file: a slice of the input.
        case data(UnsafeRawBufferPointer)
        /// The current file's data is complete.
        case fileEnd
    }

    private enum Extended: Sendable { case pax, global, longName, longLink }

    private enum State: Sendable {
        case header
        case extended(Extended, remaining: Int, padding: Int)
        case data(remaining: Int64, padding: Int)
        case skip(remaining: Int64)
        case secondZero
        case finished
    }

    private let limits: ArchiveLimits
    private var state = State.header
    private var block: [UInt8] = []
    private var extended: [UInt8] = []
    private var entry = 0
    private var pendingPath: String?
    private var pendingSize: Int64?
    private var currentPath = ""

    package init(limits: ArchiveLimits) {
        self.limits = limits
        block.reserveCapacity(TarHeader.blockSize)
    }

    /// Whether both end-of-archive blocks have been read.
    package var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// The next event found in `input` from `offset`, which it advances.
    /// Returns nil once `input` is used up: call again with the next chunk.
    package mutating func next(_ input: UnsafeRawBufferPointer, offset: inout Int) throws(ArchiveError) -> Event? {
        while true {
            switch state {
            case .header, .secondZero:
                guard fillBlock(input, offset: &offset) else { return nil }
                let full = block
                block.removeAll(keepingCapacity: true)
                if case .secondZero = state {
                    // One zero block must be followed by another.
                    guard TarHeader.isZero(full) else { throw .trailingData }
                    state = .finished
                } else if TarHeader.isZero(full) {
                    state = .secondZero
                } else if let event = try startEntry(full) {
                    return event
                }
            case .extended(let kind, let remaining, let padding):
                let count = min(remaining, input.count - offset)
                extended.append(contentsOf: input[offset..<(offset + count)])
                offset += count
                guard count == remaining else {
                    state = .extended(kind, remaining: remaining - count, padding: padding)
                    return nil
                }
                try finishExtended(kind)
                state = .skip(remaining: Int64(padding))
            case .data(let remaining, let padding):
                if remaining == 0 {
                    state = .skip(remaining: Int64(padding))
                    return .fileEnd
                }
                guard offset < input.count else { return nil }
                let count = Int(min(remaining, Int64(input.count - offset)))
                let slice = UnsafeRawBufferPointer(rebasing: input[offset..<(offset + count)])
                offset += count
                state = .data(remaining: remaining - Int64(count), padding: padding)
                return .data(slice)
            case .skip(let remaining):
                if remaining == 0 {
                    state = .header
                    continue
                }
                guard offset < input.count else { return nil }
                let count = Int(min(remaining, Int64(input.count - offset)))
                offset += count
                state = .skip(remaining: remaining - Int64(count))
            case .finished:
                // GNU tar and tarfile pad the archive to a 10 KiB record with zeros.
                guard input[offset...].allSatisfy({ $0 == 0 }) else { throw .trailingData }
                offset = input.count
                return nil
            }
        }
    }

    /// Checks that the body ended where an archive may end.
    package func finish() throws(ArchiveError) {
        switch state {
        case .finished: return
        case .header where block.isEmpty:
            throw .truncated(reason: "it ends without the two zero end-of-archive blocks")
        case .header: throw .truncated(reason: "it ends inside the header of entry \(entry + 1)")
        case .extended: throw .truncated(reason: "it ends inside the extended header of entry \(entry)")
        case .data: throw .truncated(reason: "it ends inside the data of \"\(currentPath)\"")
        case .skip: throw .truncated(reason: "it ends inside the padding of entry \(entry)")
        case .secondZero: throw .truncated(reason: "it ends after only one of the two end-of-archive blocks")
        }
    }

    /// Copies input into `block` until it holds 512 bytes; false if the input ran out first.
    private mutating func fillBlock(_ input: UnsafeRawBufferPointer, offset: inout Int) -> Bool {
        let count = min(TarHeader.blockSize - block.count, input.count - offset)
        block.append(contentsOf: input[offset..<(offset + count)])
        offset += count
        return block.count == TarHeader.blockSize
    }

    private static func padding(_ size: Int64) -> Int {
        Int((Int64(TarHeader.blockSize) - size % Int64(TarHeader.blockSize)) % Int64(TarHeader.blockSize))
    }

    /// Decodes a header block; returns the entry's event, or nil for an
    /// extended header (its data is read next).
    private mutating func startEntry(_ bytes: [UInt8]) throws(ArchiveError) -> Event? {
        entry += 1
        let header = try TarHeader(block: bytes, entry: entry)
        let extendedKind: Extended? = switch header.type {
        case UInt8(ascii: "x"): .pax
        case UInt8(ascii: "g"): .global
        case UInt8(ascii: "L"): .longName
        case UInt8(ascii: "K"): .longLink
        default: nil
        }
        if let extendedKind {
            guard header.size <= Int64(limits.maxExtendedHeaderBytes) else {
                throw .pathTooLong(entry: pendingPath ?? header.name, limit: "an extended header over \(limits.maxExtendedHeaderBytes) bytes")
            }
            extended.removeAll(keepingCapacity: true)
            state = .extended(extendedKind, remaining: Int(header.size), padding: Self.padding(header.size))
            entry -= 1  // the extended header and its entry count as one
            return nil
        }
        let raw = pendingPath ?? header.name
        let size = pendingSize ?? header.size
        pendingPath = nil
        pendingSize = nil
        // Far beyond any upload limit, and keeps the padding sums from overflowing.
        guard size < 1 << 62 else { throw .tooLarge(entry: raw, bytes: size, limit: limits.maxBytes) }
        switch header.type {
        case UInt8(ascii: "0"), 0:
            let path = try ArchivePath.normalize(raw, limits: limits)
            guard !path.isEmpty else { throw .unsafePath(entry: raw, reason: "a file cannot be the archive's root") }
            currentPath = path
            state = .data(remaining: size, padding: Self.padding(size))
            return .file(path, size: size)
        case UInt8(ascii: "5"):
            let path = try ArchivePath.normalize(raw, limits: limits)
            // A directory has no data; a size is skipped, never interpreted.
            state = .skip(remaining: size + Int64(Self.padding(size)))
            return path.isEmpty ? nil : .directory(path)
        default:
            throw .unsupportedType(entry: raw, type: TarHeader.describe(type: header.type))
        }
    }

    private mutating func finishExtended(_ kind: Extended) throws(ArchiveError) {
        switch kind {
        case .pax:
            let records = try PaxRecords.parse(extended, entry: entry + 1)
            if records.keys.contains(where: { $0.hasPrefix("GNU.sparse.") }) {
                throw .unsupportedType(entry: records["path"] ?? "entry \(entry + 1)", type: "GNU sparse file")
            }
            if let path = records["path"] { pendingPath = path }
            if let text = records["size"] {
                guard let size = Int64(text), size >= 0 else {
                    throw .badNumber(field: "pax size", entry: pendingPath ?? "entry \(entry + 1)")
                }
                pendingSize = size
            }
        case .global:
            _ = try PaxRecords.parse(extended, entry: entry + 1)
        case .longName:
            pendingPath = try ArchivePath.decode(extended, entry: entry + 1)
        case .longLink:
            break
        }
    }
}
