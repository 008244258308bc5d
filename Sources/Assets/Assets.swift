import Foundation

/// The files bundled beside the `aepo` binary: the SQL migrations and `Public/`.
///
/// SwiftPM copies `migrations/` and `Public/` into the executable's resource
/// bundle, so the server finds them from any working directory.
public enum Assets {
    /// The directory holding the numbered `*.sql` migrations.
    public static var migrationsDirectory: URL {
        Bundle.module.bundleURL.appendingPathComponent("migrations", isDirectory: true)
    }

    /// The directory holding static assets, templates and `openapi.yaml`.
    public static var publicDirectory: URL {
        Bundle.module.bundleURL.appendingPathComponent("Public", isDirectory: true)
    }
}
