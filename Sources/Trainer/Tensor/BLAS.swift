import CBLAS

/// Process-wide OpenBLAS settings and facts.
///
/// OpenBLAS picks its kernels once, when the library loads: from the CPU, or
/// from `OPENBLAS_CORETYPE` in the environment at launch. Benchmarks report
/// `coreName` so numbers from different kernel families are not compared.
public enum BLAS {
    /// The number of threads OpenBLAS uses for each call (process-wide).
    /// Setting it calls `openblas_set_num_threads`; values below 1 become 1.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// The kernel family OpenBLAS uses, e.g. "Haswell", "SkylakeX", "Cooperlake".
    public static var coreName: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }

    /// OpenBLAS build configuration (version, threading, dynamic arch, core).
    public static var configuration: String {
        openblas_get_config().map { String(cString: $0) } ?? "unknown"
    }
}
