/// An owned, fixed-size, zero-initialised buffer of `Float` (Float32).
///
/// The trainer keeps every tensor (parameters, gradients, activations, optimiser
/// state, KV caches) in a few of these buffers and hands raw pointers into them
/// to the layer kernels, the way llm.c keeps one `float*` per group. The
/// buffer is a reference type so the pointer stays valid for the buffer's
/// lifetime; it is not `Sendable` (one owner mutates it).
public final class FloatBuffer {
    /// Number of `Float` elements.
    public let count: Int
    /// Base address of the storage (64-byte aligned, `count` elements, never nil
    /// even for an empty buffer).
    public let pointer: UnsafeMutablePointer<Float>

    /// Allocates `count` zeroed floats.
    /// - Parameter count: number of elements, at least 0.
    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer count must be non-negative")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    /// Allocates `count` floats without zeroing them: for large buffers whose
    /// elements are always written before they are read (the KV cache), so the
    /// pages the OS hands out are only touched where data goes.
    /// - Parameter count: number of elements, at least 0.
    init(uninitializedCount count: Int) {
        precondition(count >= 0, "FloatBuffer count must be non-negative")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Allocates a buffer holding a copy of `values`.
    /// - Parameter values: the initial contents.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.update(from: base, count: values.count) }
        }
    }

    deinit {
        UnsafeMutableRawPointer(pointer).deallocate()
    }

    /// The storage as a buffer pointer (valid while `self` is alive).
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    /// Element access (bounds-checked in debug builds only).
    @inlinable public subscript(index: Int) -> Float {
        get {
            assert(index >= 0 && index < count, "FloatBuffer index out of range")
            return pointer[index]
        }
        set {
            assert(index >= 0 && index < count, "FloatBuffer index out of range")
            pointer[index] = newValue
        }
    }

    /// Sets every element to zero.
    public func zero() {
        pointer.update(repeating: 0, count: count)
    }

    /// Copies all elements of `other`, which must have the same count.
    /// - Parameter other: the source buffer.
    public func copy(from other: FloatBuffer) {
        precondition(other.count == count, "FloatBuffer.copy: count mismatch")
        pointer.update(from: other.pointer, count: count)
    }

    /// A copy of the contents as an array.
    public var array: [Float] {
        Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// A copy of `count` elements starting at `offset`.
    /// - Parameters:
    ///   - offset: first element.
    ///   - count: number of elements.
    public func slice(_ offset: Int, _ count: Int) -> [Float] {
        precondition(offset >= 0 && count >= 0 && offset + count <= self.count, "FloatBuffer.slice out of range")
        return Array(UnsafeBufferPointer(start: pointer + offset, count: count))
    }
}

/// Hands out consecutive, non-overlapping regions of one `FloatBuffer` in
/// order; the owner computes the total size first and allocates once.
struct BufferCarver {
    private let buffer: FloatBuffer
    private(set) var used = 0

    /// Starts handing out regions from the beginning of `buffer`.
    init(_ buffer: FloatBuffer) {
        self.buffer = buffer
    }

    /// Returns a pointer to the next `count` floats.
    mutating func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        precondition(used + count <= buffer.count, "BufferCarver: region exceeds the buffer")
        defer { used += count }
        return buffer.pointer + used
    }
}
