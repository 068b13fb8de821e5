import ArgumentParser
import Foundation
import Synchronization
import TrainerCore

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model as a config file describes and write a run folder.",
        discussion: """
            CONFIG is a path (`configs/logreg.json` also finds `Configs/logreg.json`) or the name \
            of a shipped config (`logreg`). Relative paths inside a config are relative to the \
            config file; runs_dir is relative to the current directory.

            A config with "sweep" (e.g. {"optimizer.lr": [0.001, 0.01]}) trains one run per value \
            (per combination, for several keys) inside the folder runs_dir/<name>/ and writes \
            sweep.csv, sweep.md, sweep_loss.svg and sweep_gap.svg there. Members that diverge are \
            results: the sweep exits 0 unless a member stops with an error.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let result: TrainingRun.Result
        do {
            let run = try TrainingRun(configArgument: options.config, overrides: options.overrides, name: options.name)
            if !run.config.sweep.isEmpty {
                try runSweep(base: run)
                return
            }
            let progress = options.quiet ? nil : ProgressReporter(totalEpochs: run.config.training.epochs)
            StopSignal.install()
            result = try run.execute(observer: progress, stopRequested: StopSignal.isRequested)
            progress?.finish()
        } catch {
            throw Exit.report(error)
        }
        if !options.quiet { print(result.text) }
        try StopSignal.exit(for: result.status)
    }
}

/// Graceful SIGINT/SIGTERM: the handler only sets a flag, and the training loop polls it once
/// per optimizer step (through `stopRequested`), so a stop always lands between two complete
/// steps and the run can write its checkpoint with ordinary, non-signal-safe code.
///
/// Why the handler is safe: it performs a single lock-free atomic store (`Atomic<Int32>` from
/// the standard library's Synchronization module, a plain `mov` on x86-64 and `stlr` on arm64),
/// which is async-signal-safe, and touches no allocator, lock or Swift runtime entry. The
/// global holding the atomic is a `let` with a constant initializer, and `install()` reads it
/// before the handler is registered, so its lazy initialization (swift_once) has completed
/// before any signal can arrive. `SA_RESETHAND` restores the default action after the first
/// signal, so a second Ctrl-C terminates at once (the folder then reads as after `kill -9`).
enum StopSignal {
    /// Set to the signal number by the handler.
    static let received = Atomic<Int32>(0)

    /// Exit status of an interrupted run: 128 + SIGINT, the shell convention for Ctrl-C.
    static let interruptedExitCode: Int32 = 130

    static func install() {
        _ = received.load(ordering: .relaxed)  // finish lazy initialization before any signal
        for signalNumber in [SIGINT, SIGTERM] {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = { number in StopSignal.received.store(number, ordering: .relaxed) }
            #else
            action.__sigaction_u.__sa_handler = { number in StopSignal.received.store(number, ordering: .relaxed) }
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND)) | Int32(SA_RESTART)
            sigaction(signalNumber, &action, nil)
        }
        // A blocked signal is never delivered, and the mask is inherited across exec: a parent
        // that blocks SIGINT/SIGTERM in its spawning thread (test runners do) would make the
        // run unstoppable. Unblock them explicitly.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// Polled by the training loop.
    static func isRequested() -> Bool {
        received.load(ordering: .relaxed) != 0
    }

    /// Maps how a run ended to the process exit status.
    static func exit(for status: RunStatus) throws {
        switch status {
        case .completed: return
        case .diverged: throw ExitCode(Exit.diverged)
        case .failed: throw ExitCode(Exit.failed)
        case .interrupted: throw ExitCode(interruptedExitCode)
        }
    }
}

extension Run {
    /// Every member of the grid, then the comparison table. Member divergence is a result.
    func runSweep(base: TrainingRun) throws(TrainerError) {
        let plan: SweepPlan
        do {
            var all = options.overrides
            if let name = options.name { all.append("name=\(JSONValue.string(name).serialized(pretty: false))") }
            plan = try SweepPlan.expand(base: base.config, configPath: base.configPath, overrides: all)
        } catch {
            throw .config(error)
        }
        let quiet = options.quiet
        let result = try SweepRun(plan: plan).execute { index, total, member in
            guard !quiet else { return }
            let values = member.member.assignments.map { "\($0.path)=\($0.valueText)" }.joined(separator: " ")
            FileHandle.standardError.write(Data("[\(index)/\(total)] \(values): \(member.statusText(tolerance: SweepRun.relativeGapTolerance))\n".utf8))
        }
        if !options.quiet { print(result.text, terminator: "") }
        if let error = result.errors.first { throw error }
    }
}
