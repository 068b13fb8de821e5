import Foundation

/// A run's folder under `runs_dir`: `<name>`, or `<name>-2`, `<name>-3`, … when taken, so an
/// earlier run is never overwritten.
public struct RunDirectory: Sendable {
    /// Path of the folder.
    public let path: String

    /// Creates the runs folder if needed and claims a fresh run folder inside it. `mkdir` fails
    /// when the name exists, which makes the claim safe against two runs starting at once.
    public static func create(runsDirectory: String, name: String) throws(RunFolderError) -> RunDirectory {
        do {
            try FileManager.default.createDirectory(atPath: runsDirectory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: runsDirectory, reason: Self.reason(error))
        }
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

    /// Wraps an existing run folder.
    public init(path: String) {
        self.path = path
    }

    /// Path of a file inside the folder.
    public func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}
