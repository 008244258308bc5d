/// The GPUs the server was told about (`aepo serve --gpus 0,1,2,3`), handed
/// to replicas through `CUDA_VISIBLE_DEVICES` and taken back when they stop.
/// Pure bookkeeping; the engine manager (an actor) owns it.
package struct GPUPool: Sendable, Equatable {
    package private(set) var all: [String]
    private var free: [String]

    package init(_ gpus: [String]) {
        all = gpus
        free = gpus
    }

    /// GPUs not handed out.
    package var available: Int { free.count }

    /// Takes `count` GPUs (lowest ids first), or nil when fewer are free.
    package mutating func take(_ count: Int) -> [String]? {
        guard count > 0 else { return [] }
        guard free.count >= count else { return nil }
        let taken = Array(free.prefix(count))
        free.removeFirst(count)
        return taken
    }

    /// Gives GPUs back.
    package mutating func give(_ gpus: [String]) {
        for gpu in gpus where all.contains(gpu) && !free.contains(gpu) { free.append(gpu) }
        free.sort { all.firstIndex(of: $0) ?? 0 < all.firstIndex(of: $1) ?? 0 }
    }

    /// Why `profile` can never run here, or nil when the pool is big enough.
    package func refusal(for profile: EngineProfile) -> String? {
        // A Ray cluster places its replicas on its own GPUs.
        guard profile.launcher == .local else { return nil }
        let needed = profile.gpusPerReplica * profile.replicas
        guard needed > all.count else { return nil }
        let told = all.isEmpty ? "this server was given no GPUs (start it with aepo serve --gpus 0,1,...)"
            : "this server has \(all.count) (\(all.joined(separator: ",")))"
        return "engine \"\(profile.name)\" needs \(needed) GPUs (\(profile.replicas) replicas × \(profile.gpusPerReplica)); " + told
    }
}
