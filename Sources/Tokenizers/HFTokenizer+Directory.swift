import Foundation

extension HFTokenizer {
    /// Loads `tokenizer.json` from a model directory, with `tokenizer_config.json` when present.
    /// - Throws: `TokenizerLoadError.unreadable` when `tokenizer.json` cannot be read, else as `init(tokenizerJSON:)`.
    public init(directory: URL) throws(TokenizerLoadError) {
        let tokenizerURL = directory.appendingPathComponent("tokenizer.json")
        let configURL = directory.appendingPathComponent("tokenizer_config.json")
        let tokenizerData: Data
        do {
            tokenizerData = try Data(contentsOf: tokenizerURL)
        } catch {
            throw .unreadable(path: tokenizerURL.path, reason: error.localizedDescription)
        }
        let configData = FileManager.default.fileExists(atPath: configURL.path) ? try? Data(contentsOf: configURL) : nil
        try self.init(tokenizerJSON: tokenizerData, tokenizerConfigJSON: configData)
    }
}
