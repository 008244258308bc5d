import CBLAS

/// Process-wide OpenBLAS settings.
public enum BLAS {
    /// The number of threads OpenBLAS uses for each call (process-wide).
    /// Setting it calls `openblas_set_num_threads`; values below 1 become 1.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }
}
