import Foundation

/// Progress on stderr while training: a live line rewritten in place when stderr is a
/// terminal, otherwise a plain line about every tenth of the run (so CI logs stay short).
public final class ProgressReporter: TrainingObserver {
    private let totalEpochs: Int
    private let interactive: Bool
    private let started = ContinuousClock.now
    private var lastStep: StepRecord?
    private var lastDraw = ContinuousClock.now
    private var drewLine = false

    public init(totalEpochs: Int) {
        self.totalEpochs = totalEpochs
        interactive = isatty(STDERR_FILENO) == 1
    }

    public func trainerDidStep(_ record: StepRecord) {
        lastStep = record
        guard interactive else { return }
        let now = ContinuousClock.now
        if now - lastDraw > .milliseconds(100) {
            lastDraw = now
            draw(epoch: record.epoch)
        }
    }

    public func trainerDidFinishEpoch(_ record: EpochRecord) {
        if interactive {
            // Redraw at most every 100 ms (short epochs would otherwise flood the terminal),
            // and always for the last epoch so the line ends on the final numbers.
            let now = ContinuousClock.now
            if now - lastDraw > .milliseconds(100) || record.epoch == totalEpochs {
                lastDraw = now
                draw(epoch: record.epoch)
            }
        } else if record.epoch == 1 || record.epoch % max(totalEpochs / 10, 1) == 0 || record.epoch == totalEpochs {
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
        let fraction = Double(max(epoch - 1, 0)) / Double(max(totalEpochs, 1))
        let eta = fraction > 0 ? seconds / fraction * (1 - fraction) : .nan
        let etaText = eta.isFinite ? String(format: "ETA %.1fs", eta) : "ETA –"
        write("\r" + String(format: "epoch %d/%d  step %d  loss %.6g  ‖g‖ %.3g  ", epoch, totalEpochs, s.step, s.loss, s.gradNorm) + etaText + "\u{1B}[K")
        drewLine = true
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
