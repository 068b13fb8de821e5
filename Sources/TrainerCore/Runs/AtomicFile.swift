import Foundation

/// Writes files so that a reader (or a run killed mid-write) sees the old content or the new
/// content, never half of each: write a temporary file in the same folder, then rename it over
/// the target (rename is atomic within one file system).
public enum AtomicFile {
    /// Replaces `path` with `contents`.
    public static func write(_ contents: String, to path: String) throws(RunFolderError) {
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(contents.utf8)) else {
            throw .cannotWrite(path: path, reason: "could not create \(temporary)")
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotWrite(path: path, reason: reason)
        }
    }
}
