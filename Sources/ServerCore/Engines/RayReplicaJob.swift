import Foundation

/// An engine replica running as a Ray job: its submission id on one
/// cluster, and the signal its supervisor fires when Ray reports the job
/// over (stopped, succeeded or failed).
package final class RayReplicaJob: ReplicaRun {
    package let client: RayJobsClient
    package let submissionID: String
    let end = EndSignal()

    init(client: RayJobsClient, submissionID: String) {
        self.client = client
        self.submissionID = submissionID
    }

    package func ended(within timeout: Duration) async -> Bool { await end.wait(within: timeout) }
    package func waitEndedUnlessCancelled() async -> Bool { await end.wait() }

    /// Asks Ray to stop the job and waits (at most `grace` plus Ray's own
    /// few seconds to SIGKILL) until its supervisor sees it over.
    func stop(grace: Duration) async {
        guard !end.hasFired else { return }
        _ = try? await client.stop(submissionID)
        _ = await end.wait(within: grace + .seconds(10))
    }
}
