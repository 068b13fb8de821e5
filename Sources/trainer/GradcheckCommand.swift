import ArgumentParser
import Foundation
import TrainerCore

/// `trainer gradcheck`: the analytic gradient of a config's objective against centred differences.
struct Gradcheck: ParsableCommand {
    /// Exit code when the gradient is wrong (relative error > 1e-3).
    static let bugExit: Int32 = 5
    /// Exit code when it is suspicious (1e-5 < relative error ≤ 1e-3): worth a look, distinct
    /// from a bug so scripts can choose to accept it (for instance with L1, which has kinks).
    static let suspiciousExit: Int32 = 7

    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Check the objective's gradient against centred finite differences.",
        discussion: """
            Checks the full training objective of CONFIG (loss, L2, L1 and bias, on the \
            standardized training split, exactly what `trainer run` trains) at θ = 0 and at a \
            random θ with entries ~ N(0, 1/d), seeded by the config's seed. Relative error \
            ‖g_a − g_n‖ / (‖g_a‖ + ‖g_n‖) (0 when both are zero); verdict < 1e-7 good, ≤ 1e-5 \
            acceptable, ≤ 1e-3 suspicious, > 1e-3 bug; the worse point decides.

            --sweep-h also prints the relative error for h = 1e-12 … 1e-1 (two per decade) and \
            draws it to gradcheck_h.svg in --out (default: the current folder).

            Exit codes: 0 good or acceptable; 5 bug; 7 suspicious; 65 bad config or data; \
            73 the chart cannot be written; 70 internal error.
            """
    )

    @Argument(help: "Config file path or shipped config name.")
    var config: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a config key, e.g. --set model.l2=0.1 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "Finite-difference step.")
    var h: Double = GradientCheck.defaultStep

    @Flag(name: .customLong("sweep-h"), help: "Also sweep h from 1e-12 to 1e-1 and chart the error.")
    var sweepH = false

    @Option(help: "Folder for gradcheck_h.svg (with --sweep-h).")
    var out: String = "."

    func validate() throws {
        guard h > 0, h.isFinite else { throw ValidationError("--h must be a positive number, got \(h)") }
    }

    func run() throws {
        let verdict: GradientCheckVerdict
        do {
            let check = try GradientCheckRun(configArgument: config, overrides: overrides)
            let results = try check.check(h: h)
            print(check.text(results))
            verdict = results.map(\.verdict).max() ?? .good
            if sweepH {
                let rows = try check.sweep()
                print(check.sweepText(rows))
                let path = (out as NSString).appendingPathComponent("gradcheck_h.svg")
                do {
                    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                    try AtomicFile.write(check.sweepChart(rows).render(), to: path)
                } catch let error as RunFolderError {
                    throw TrainerError.runFolder(error)
                } catch {
                    throw TrainerError.runFolder(.cannotWrite(path: out, reason: "\(error)"))
                }
                print("chart      \(path)")
            }
        } catch let error as TrainerError {
            throw Exit.report(error)
        }
        switch verdict {
        case .good, .acceptable: return
        case .suspicious: throw ExitCode(Self.suspiciousExit)
        case .bug: throw ExitCode(Self.bugExit)
        }
    }
}
