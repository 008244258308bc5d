/// The reference trainer: a tiny GPT on OpenBLAS, the rollout engine and the
/// policy-optimisation algorithms of AEPO and its baselines.
public enum TrainerLibrary {
    public static let version = "0.1.0"
}
