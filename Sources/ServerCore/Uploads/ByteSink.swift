/// Where an upload's body goes as it arrives: a file being hashed
/// (``UploadSink``) or an archive being extracted (``ArchiveSink``).
package protocol ByteSink: AnyObject {
    /// Bytes taken so far.
    var byteCount: Int64 { get }
    /// Takes the next bytes of the body.
    func append(_ bytes: UnsafeRawBufferPointer) throws
}

extension UploadSink: ByteSink {}
extension ArchiveSink: ByteSink {}
