/// TrainerCore: data loading, losses, optimizers, reference solvers and run folders for the
/// `trainer` command-line tool. The executable target only parses arguments and maps errors to
/// exit codes; everything else lives here.
public enum TrainerCore {
    /// The tool's version, recorded in every run folder.
    public static let version = "0.1.0"
}
