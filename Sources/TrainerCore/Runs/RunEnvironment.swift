import Foundation

/// What a run records about where it ran, so a result can be reproduced or explained.
public struct RunEnvironment: Sendable {
    public var trainerVersion = TrainerCore.version
    public var blasThreads = BLAS.threadCount
    public var blasCore = BLAS.coreName
    public var blasConfiguration = BLAS.configuration
    public var lapackVersion = BLAS.lapackVersion
    /// The Swift compiler that built trainer.
    public var swiftVersion: String = {
        #if swift(>=6.3)
        return "6.3 or newer"
        #elseif swift(>=6.2)
        return "6.2"
        #elseif swift(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }()
    public var openblasCoretype = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
    public var gitCommit: String?
    public var hostname = ProcessInfo.processInfo.hostName
    public var operatingSystem = ProcessInfo.processInfo.operatingSystemVersionString

    /// Reads the environment; `gitCommit` comes from the repository that holds `directory`, if any.
    public init(directory: String) {
        gitCommit = Self.gitCommit(in: directory)
    }

    static func gitCommit(in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory, "rev-parse", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    public func json(seed: UInt64) -> JSONValue {
        .object([
            ("seed", .number(Double(seed))),
            ("trainer_version", .string(trainerVersion)),
            ("git_commit", gitCommit.map { .string($0) } ?? .null),
            ("blas_threads", .number(Double(blasThreads))),
            ("blas_core", .string(blasCore)),
            ("blas_config", .string(blasConfiguration)),
            ("lapack_version", .string(lapackVersion)),
            ("swift_version", .string(swiftVersion)),
            ("openblas_coretype", openblasCoretype.map { .string($0) } ?? .null),
            ("hostname", .string(hostname)),
            ("os", .string(operatingSystem)),
        ])
    }
}
