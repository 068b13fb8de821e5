/// Every error `trainer` reports, grouped by what the user should fix. The command-line target
/// maps each group to an exit code (documented in README).
public enum TrainerError: Error, CustomStringConvertible, Sendable {
    /// The config file or an override is wrong.
    case config(ConfigError)
    /// The dataset is missing or malformed.
    case data(DataError)
    /// The run folder cannot be created or written.
    case runFolder(RunFolderError)
    /// A bug: an internal invariant failed. Please report it.
    case internalError(String)

    public var description: String {
        switch self {
        case .config(let e): return "config error: \(e)"
        case .data(let e): return "data error: \(e)"
        case .runFolder(let e): return "run folder error: \(e)"
        case .internalError(let message): return "internal error (please report): \(message)"
        }
    }
}
