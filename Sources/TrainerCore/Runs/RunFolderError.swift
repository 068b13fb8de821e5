/// Failures to create or write a run folder.
public enum RunFolderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The runs folder (or a file in it) cannot be created or written.
    case cannotWrite(path: String, reason: String)
    /// No free folder name after many attempts.
    case noFreeName(base: String)
    /// A run folder or one of its files is missing or unreadable.
    case unreadable(path: String, reason: String)
    /// Another trainer process is writing the run folder (`RunFolderLock`).
    case inUse(path: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason)"
        case .noFreeName(let base): return "\(base): no free run folder name (tried \(base)-2 … \(base)-9999)"
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        case .inUse(let path):
            return "\(path): another trainer process is writing this run folder (a run or a resume still going); wait for it to end, or stop it with SIGINT first"
        }
    }
}
