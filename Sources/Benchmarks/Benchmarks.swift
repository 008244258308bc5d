/// The Benchmarks library: datasets and adapters, the agent loop, tools,
/// scorers, pass@k and model clients. It knows nothing of HTTP serving.
public enum BenchmarksLibrary {
    public static let version = "0.1.0"
}
