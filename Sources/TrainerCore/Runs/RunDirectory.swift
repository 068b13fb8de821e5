import Foundation

/// A run's folder under `runs_dir`: `<name>`, or `<name>-2`, `<name>-3`, … when taken, so an
/// earlier run is never overwritten.
public struct RunDirectory: Sendable {
    /// Path of the folder.
    public let path: String

    /// Creates the runs folder if needed and claims a fresh run folder inside it. `mkdir` fails
    /// when the name exists, which makes the claim safe against two runs starting at once.
    public static func create(runsDirectory: String, name: String) throws(RunFolderError) -> RunDirectory {
        try makeDirectories(runsDirectory)
        guard access(runsDirectory, W_OK) == 0 else {
            throw .cannotWrite(path: runsDirectory, reason: String(cString: strerror(errno)))
        }
        for attempt in 1..<10_000 {
            let candidate = (runsDirectory as NSString).appendingPathComponent(attempt == 1 ? name : "\(name)-\(attempt)")
            if mkdir(candidate, 0o755) == 0 { return RunDirectory(path: candidate) }
            if errno != EEXIST {
                throw .cannotWrite(path: candidate, reason: String(cString: strerror(errno)))
            }
        }
        throw .noFreeName(base: (runsDirectory as NSString).appendingPathComponent(name))
    }

    /// `mkdir -p` with the OS's reason on failure (Foundation's message on Linux is a bare
    /// "NSCocoaErrorDomain error 512", which tells a user nothing).
    static func makeDirectories(_ path: String) throws(RunFolderError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw .cannotWrite(path: path, reason: "exists and is not a folder")
        }
        let parent = PathUtilities.directory(of: path)
        if parent != path && parent != "." && parent != "/" {
            try makeDirectories(parent)
        }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Wraps an existing run folder.
    public init(path: String) {
        self.path = path
    }

    /// Path of a file inside the folder.
    public func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }
}
