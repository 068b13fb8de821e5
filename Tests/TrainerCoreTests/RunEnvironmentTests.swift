import Foundation
import Testing
@testable import TrainerCore

/// The git commit recorded with every run, read from `.git` without spawning git.
struct RunEnvironmentTests {
    static let hash = "0123456789abcdef0123456789abcdef01234567"

    func makeRepository(_ layout: (URL) throws -> Void) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sub/folder"), withIntermediateDirectories: true)
        try layout(root)
        return root
    }

    func write(_ text: String, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func looseRefFromASubfolder() throws {
        let root = try makeRepository { root in
            try write("ref: refs/heads/main\n", root.appendingPathComponent(".git/HEAD"))
            try write(Self.hash + "\n", root.appendingPathComponent(".git/refs/heads/main"))
        }
        #expect(RunEnvironment.gitCommit(in: root.appendingPathComponent("sub/folder").path) == Self.hash)
    }

    @Test func packedRefAndDetachedHead() throws {
        let packed = try makeRepository { root in
            try write("ref: refs/heads/main\n", root.appendingPathComponent(".git/HEAD"))
            try write("# pack-refs with: peeled fully-peeled sorted\n\(Self.hash) refs/heads/main\n", root.appendingPathComponent(".git/packed-refs"))
        }
        #expect(RunEnvironment.gitCommit(in: packed.path) == Self.hash)
        let detached = try makeRepository { root in
            try write(Self.hash + "\n", root.appendingPathComponent(".git/HEAD"))
        }
        #expect(RunEnvironment.gitCommit(in: detached.path) == Self.hash)
    }

    @Test func worktreeFilePointsAtTheCommonFolder() throws {
        let root = try makeRepository { root in
            try write("gitdir: main/.git/worktrees/wt\n", root.appendingPathComponent(".git"))
            let gitDir = root.appendingPathComponent("main/.git/worktrees/wt")
            try write("ref: refs/heads/feature\n", gitDir.appendingPathComponent("HEAD"))
            try write("../..\n", gitDir.appendingPathComponent("commondir"))
            try write(Self.hash + "\n", root.appendingPathComponent("main/.git/refs/heads/feature"))
        }
        #expect(RunEnvironment.gitCommit(in: root.path) == Self.hash)
    }

    @Test func noRepositoryGivesNil() throws {
        let root = try makeRepository { _ in }
        // A temporary folder is not inside a repository (unless the machine's /tmp is, which it is not here).
        #expect(RunEnvironment.gitCommit(in: root.path) == nil)
    }
}
