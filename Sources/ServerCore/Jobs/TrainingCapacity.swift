/// Which training jobs may run now: at most `maxRunning` at once, and a
/// job that declares GPUs only when that many of the server's devices are
/// free. A pure value the ``TrainingManager`` keeps; it decides, the
/// manager starts.
package struct TrainingCapacity: Sendable, Equatable {
    /// The devices a job was given: nil when GPUs are not managed.
    package struct Admission: Sendable, Equatable {
        package var devices: [Int]?
    }

    package var maxRunning: Int?
    /// The server's GPU devices (nil: not managed, a job's `gpus` is ignored).
    package var devices: [Int]?
    /// Running jobs and the devices each holds.
    package private(set) var held: [Int64: [Int]] = [:]

    package init(maxRunning: Int?, devices: [Int]?) {
        self.maxRunning = maxRunning
        self.devices = devices
    }

    /// Devices no running job holds, lowest first.
    package var freeDevices: [Int] {
        let taken = Set(held.values.joined())
        return (devices ?? []).filter { !taken.contains($0) }
    }

    /// Admits job `id` needing `gpus` devices, or answers nil when it must wait.
    package mutating func admit(job id: Int64, gpus: Int) -> Admission? {
        if let maxRunning, held.count >= maxRunning { return nil }
        guard devices != nil else {
            held[id] = []
            return Admission(devices: nil)
        }
        let free = freeDevices
        guard free.count >= gpus else { return nil }
        let given = Array(free.prefix(gpus))
        held[id] = given
        return Admission(devices: given)
    }

    /// Counts a job that already runs (found again after a restart) with the devices it holds.
    package mutating func hold(job id: Int64, devices given: [Int]?) {
        held[id] = given ?? []
    }

    package mutating func release(job id: Int64) {
        held[id] = nil
    }
}
