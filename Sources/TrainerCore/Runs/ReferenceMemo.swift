/// The reference optima a sweep has solved, so that members training the same objective share
/// one solve: a sweep over `optimizer.lr`, say, changes how training runs, not where the
/// optimum is.
///
/// Why: the Newton reference dominates a run on large data (1e6 × 100: 3.7 s for logistic,
/// 46 s for softmax with K = 10, against well under a second of training), and every member of
/// a sweep solved it again.
///
/// A key holds everything the objective and its solve depend on: the `data`, `model` and
/// `solver` sections, the seed (validation split, synthetic data), and the data file's identity
/// (path, size, inode, timestamps and a hash of its ends, as the dataset cache checks it), so a
/// file changed during the sweep is solved again. Members run one after another; not
/// thread-safe.
public final class ReferenceMemo {
    /// A solve's outcome: θ*, and for linear models the spectrum or its error.
    struct Solved {
        var solution: ReferenceSolution
        var spectrum: Result<HessianSpectrum, SolverError>?
    }

    struct Entry {
        var result: Result<Solved, SolverError>
        /// The run folder name of the member that solved it, for the note in the others.
        var solvedBy: String
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    /// The key of `config`'s objective with the data file at `dataPath` (nil: generated data).
    static func key(config: TrainerConfig, dataPath: String?) -> String {
        let file = dataPath.map { path in
            DatasetCache.SourceIdentity(path: path).map { String(describing: $0) } ?? "unreadable \(path)"
        } ?? "generated"
        return "\(config.data)\n\(config.model)\n\(config.solver)\nseed \(config.seed)\n\(file)"
    }

    func entry(_ key: String) -> Entry? { entries[key] }

    func store(_ entry: Entry, for key: String) { entries[key] = entry }
}
