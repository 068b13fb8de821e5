import Foundation

/// Progress on stderr while training: a live line rewritten in place when stderr is a
/// terminal, otherwise a plain line about every tenth of the run (so CI logs stay short).
///
/// Both observer calls run inside the training loop, so they are kept cheap: the redraw throttle
/// reads the kernel's coarse monotonic clock (~7 ns, against ~28 ns for `ContinuousClock.now`
/// and a `Duration` comparison, paid at every step and every epoch), and `init` formats one line
/// ahead so the one-time work behind the first `String(format:)` (~0.5 ms of the Swift
/// runtime's protocol-conformance lookups and string bridging, measured with `perf` on
/// exercise 5) is not done at the first progress line, inside the loop.
public final class ProgressReporter: TrainingObserver {
    private let totalEpochs: Int
    /// The first epoch this process trains (later than 1 after `trainer resume`): the ETA
    /// extrapolates from the epochs done since then.
    private let firstEpoch: Int
    private let interactive: Bool
    private let started = ContinuousClock.now
    private var lastStep: StepRecord?
    private var lastDraw = ProgressReporter.coarseNanoseconds()
    private var drewLine = false

    /// Redraw the live line at most this often (short epochs would otherwise flood the terminal).
    static let redrawNanoseconds: UInt64 = 100_000_000

    public init(totalEpochs: Int, firstEpoch: Int = 1) {
        self.totalEpochs = totalEpochs
        self.firstEpoch = min(max(firstEpoch, 1), max(totalEpochs, 1))
        interactive = isatty(STDERR_FILENO) == 1
        _ = Self.liveLine(epoch: 1, of: 1, step: 1, loss: 1, gradNorm: 1, eta: 1)
    }

    /// Monotonic time in nanoseconds, from a clock updated once per kernel tick (1–4 ms):
    /// precise enough to throttle redraws to one per 100 ms.
    static func coarseNanoseconds() -> UInt64 {
        var now = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_MONOTONIC_COARSE, &now)
        #else
        clock_gettime(CLOCK_MONOTONIC, &now)
        #endif
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    public func trainerDidStep(_ record: StepRecord) {
        lastStep = record
        guard interactive else { return }
        let now = Self.coarseNanoseconds()
        if now &- lastDraw > Self.redrawNanoseconds {
            lastDraw = now
            draw(epoch: record.epoch)
        }
    }

    public func trainerDidFinishEpoch(_ record: EpochRecord) {
        if interactive {
            // Always redraw for the last epoch, so the line ends on the final numbers.
            let now = Self.coarseNanoseconds()
            if now &- lastDraw > Self.redrawNanoseconds || record.epoch == totalEpochs {
                lastDraw = now
                draw(epoch: record.epoch)
            }
        } else if record.epoch == firstEpoch || record.epoch % max(totalEpochs / 10, 1) == 0 || record.epoch == totalEpochs {
            let val = record.valLoss.isNaN ? "" : String(format: "  val_loss %.6g", record.valLoss)
            write(String(format: "epoch %d/%d  step %d  train_loss %.6g", record.epoch, totalEpochs, record.step, record.trainLoss) + val + "\n")
        }
    }

    /// Ends the live line.
    public func finish() {
        if interactive && drewLine { write("\n") }
    }

    private func draw(epoch: Int) {
        guard let s = lastStep else { return }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let fraction = Double(max(epoch - firstEpoch, 0)) / Double(max(totalEpochs - firstEpoch + 1, 1))
        let eta = fraction > 0 ? seconds / fraction * (1 - fraction) : .nan
        write(Self.liveLine(epoch: epoch, of: totalEpochs, step: s.step, loss: s.loss, gradNorm: s.gradNorm, eta: eta))
        drewLine = true
    }

    /// The live line, from the start of the terminal line to its end.
    static func liveLine(epoch: Int, of totalEpochs: Int, step: Int, loss: Double, gradNorm: Double, eta: Double) -> String {
        let etaText = eta.isFinite ? String(format: "ETA %.1fs", eta) : "ETA –"
        return "\r" + String(format: "epoch %d/%d  step %d  loss %.6g  ‖g‖ %.3g  ", epoch, totalEpochs, step, loss, gradNorm) + etaText + "\u{1B}[K"
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
