/// Why an uploaded directory is not a usable Hugging Face checkpoint: the
/// file at fault and what is wrong with it (a tensor is named when one is).
package struct HFCheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file at fault, relative to the checkpoint directory.
    package let file: String
    /// What is wrong.
    package let reason: String

    package init(file: String, _ reason: String) {
        self.file = file
        self.reason = reason
    }

    package var description: String { "\(file): \(reason)" }
}
