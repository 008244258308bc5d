import Synchronization

/// A one-shot Python iterator: what jinja2's `map`, `select`, `reject`,
/// `selectattr`, `rejectattr`, `unique`, `batch`, `items` (generators) and
/// `reverse` (a reverse iterator) return. It is truthy even when empty, has
/// no length, and a second walk finds it exhausted, as in Python. The items
/// are computed up front (jinja2 computes them lazily: an error in a filter
/// argument surfaces here even if nothing consumes the iterator).
public final class ValueIterator: Sendable {
    /// Python's type name: `generator`, `list_reverseiterator`, ...
    let typeName: String
    private let items: [Value]
    private let position = Mutex(0)

    init(_ items: [Value], typeName: String = "generator") {
        self.items = items
        self.typeName = typeName
    }

    /// The next item, nil when exhausted.
    func next() -> Value? {
        position.withLock { p in
            guard p < items.count else { return nil }
            defer { p += 1 }
            return items[p]
        }
    }

    /// Everything not consumed yet; the iterator is exhausted afterwards.
    func drain() -> [Value] {
        position.withLock { p in
            defer { p = items.count }
            return Array(items[min(p, items.count)...])
        }
    }
}
