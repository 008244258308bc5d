// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "aepo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "aepo", targets: ["Server"]),
        .library(name: "Benchmarks", targets: ["Benchmarks"]),
        .library(name: "Trainer", targets: ["Trainer"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Pure library: datasets, adapters, agent loop, tools, scorers, model clients.
        .target(
            name: "Benchmarks",
            dependencies: [
                "CProcess", "Jinja",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Samples"), .copy("Scripts")]
        ),
        // Jinja chat templates rendered as transformers renders them (Foundation only).
        .target(name: "Jinja"),
        // OpenBLAS through its CBLAS interface (plumbing only).
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // posix_spawn into a new process group, pidfd and reaping (plumbing only).
        .target(name: "CProcess", path: "Sources/CProcess"),
        // SIMD kernels for decoding (AVX-512 / AVX2 chosen at run time).
        .target(name: "CKernels", path: "Sources/CKernels"),
        // Tiny GPT, tokenizer, optimiser, safetensors, rollout engine.
        .target(
            name: "Trainer",
            dependencies: ["Benchmarks", "CBLAS", "CKernels", "Tokenizers", "Jinja"]
        ),
        // Hugging Face tokenizer.json (byte-level and byte-fallback BPE), Foundation only.
        .target(name: "Tokenizers"),
        // migrations/*.sql (the schema) and Public/ (assets, templates), bundled
        // beside the binary so it runs from any working directory.
        .target(
            name: "Assets",
            path: ".",
            exclude: [
                "Package.swift", "README.md", "scripts", "docs", "Tests", "test-artifacts", "Sources/Benchmarks",
                "Sources/Trainer", "Sources/ServerCore", "Sources/Server", "Sources/CBLAS", "Sources/CKernels", "Sources/CProcess",
                "Sources/Tokenizers",
                "Sources/Jinja",
            ],
            sources: ["Sources/Assets"],
            resources: [.copy("migrations"), .copy("Public")]
        ),
        // The domain core: SQLite store, evaluation and training jobs,
        // leaderboards, statistics. No HTTP types: errors are `CoreError`.
        .target(
            name: "ServerCore",
            dependencies: [
                "Benchmarks", "Trainer", "Assets",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The `aepo` executable: HTTP routes, pages, CLI commands.
        .executableTarget(
            name: "Server",
            dependencies: [
                "ServerCore", "Benchmarks", "Trainer", "Assets", "Jinja",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .testTarget(
            name: "BenchmarksTests",
            dependencies: ["Benchmarks", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .testTarget(name: "TrainerTests", dependencies: ["Trainer", "CKernels"], exclude: ["Fixtures"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers"], exclude: ["Fixtures"]),
        .testTarget(name: "JinjaTests", dependencies: ["Jinja"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "ServerCore", "Assets", "Trainer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Fixtures"]
        ),
    ]
)
