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

    /// The commit checked out in the git repository that holds `directory`, read from `.git`
    /// directly: spawning `git` cost ~20 ms per run (a tenth of a small run's wall time) and
    /// `Foundation.Process` leaks under LeakSanitizer. Handles a detached HEAD, loose refs,
    /// `packed-refs`, and worktrees (`.git` as a file pointing at the real git folder).
    static func gitCommit(in directory: String) -> String? {
        let fm = FileManager.default
        var folder = PathUtilities.absolute(directory)
        while true {
            let dotGit = (folder as NSString).appendingPathComponent(".git")
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: dotGit, isDirectory: &isDirectory) {
                var gitDir = dotGit
                if !isDirectory.boolValue {
                    guard let text = read(dotGit), text.hasPrefix("gitdir: ") else { return nil }
                    let target = String(text.dropFirst("gitdir: ".count))
                    gitDir = target.hasPrefix("/") ? target : (folder as NSString).appendingPathComponent(target)
                }
                return commit(gitDir: gitDir)
            }
            if folder == "/" { return nil }
            folder = PathUtilities.directory(of: folder)
        }
    }

    static func commit(gitDir: String) -> String? {
        guard let head = read((gitDir as NSString).appendingPathComponent("HEAD")) else { return nil }
        guard head.hasPrefix("ref: ") else { return isHash(head) ? head : nil }
        let ref = String(head.dropFirst("ref: ".count))
        // A worktree's refs live in the common git folder.
        var folders = [gitDir]
        if let common = read((gitDir as NSString).appendingPathComponent("commondir")) {
            folders.append(common.hasPrefix("/") ? common : PathUtilities.normalise((gitDir as NSString).appendingPathComponent(common)))
        }
        for folder in folders {
            if let hash = read((folder as NSString).appendingPathComponent(ref)), isHash(hash) { return hash }
            if let packed = read((folder as NSString).appendingPathComponent("packed-refs")) {
                for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                    let hash = String(line.prefix(while: { $0 != " " }))
                    if isHash(hash) { return hash }
                }
            }
        }
        return nil
    }

    static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func isHash(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy(\.isHexDigit)
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
