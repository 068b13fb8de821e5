import Foundation

/// Writes a file the user named on the command line (`--out`, `--svg`), atomically.
///
/// Checks the folder first so the error says what is wrong with the user's path ("No such file
/// or directory" for the folder) instead of naming the temporary file `AtomicFile` tried to create.
public enum OutputFile {
    /// Replaces `path` with `contents`.
    public static func write(_ contents: String, to path: String) throws(RunFolderError) {
        let folder = PathUtilities.directory(of: path)
        if access(folder, W_OK) != 0 {
            throw .cannotWrite(path: path, reason: "folder \(folder): \(String(cString: strerror(errno)))")
        }
        try AtomicFile.write(contents, to: path)
    }
}
