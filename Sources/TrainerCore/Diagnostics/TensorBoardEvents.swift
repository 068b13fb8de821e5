import Foundation

/// A run's log as a TensorBoard event file, `events.out.tfevents.<unix-seconds>.<hostname>`, so
/// `tensorboard --logdir Runs` shows every run side by side.
///
/// Scalars: `loss`, `grad_norm`, `clipped_grad_norm` and `lr` at every logged step, and
/// `train_loss` and `val_loss` (when there is a validation split) at the last step of every
/// epoch. The file is TFRecord-framed (`TFRecord`) protobuf `Event` messages, written by hand
/// (`ProtobufWriter`) rather than through swift-protobuf: a handful of fields, and the
/// swift-protobuf plugin adds minutes to every clean build.
///
/// Messages used (tensorflow/core/util/event.proto, summary.proto):
/// `Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }`,
/// `Summary { repeated Value value = 1; }`, `Value { string tag = 1; float simple_value = 2; }`.
public enum TensorBoardEvents {
    /// The `file_version` TensorBoard expects in the first record.
    public static let fileVersion = "brain.Event:2"

    /// The event file's name for a run written at `unixSeconds` on `hostname`.
    public static func fileName(unixSeconds: Int64, hostname: String) -> String {
        // A slash would make the name a path; an empty host name would end the name with a dot.
        let host = hostname.isEmpty ? "localhost" : hostname.replacingOccurrences(of: "/", with: "_")
        return "events.out.tfevents.\(unixSeconds).\(host)"
    }

    /// The first event of every file.
    public static func fileVersionEvent(wallTime: Double) -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.string(3, fileVersion)
        return event.bytes
    }

    /// One event carrying several scalars at one step. Values are narrowed to `float`, the type
    /// of `simple_value`; non-finite values are kept (TensorBoard shows NaN and ±inf).
    public static func scalarEvent(wallTime: Double, step: Int, values: [(tag: String, value: Double)]) -> [UInt8] {
        var summary = ProtobufWriter()
        for (tag, value) in values {
            var item = ProtobufWriter()
            item.string(1, tag)
            item.float(2, Float(value))
            summary.message(1, item.bytes)
        }
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.int64(2, Int64(step))
        event.message(5, summary.bytes)
        return event.bytes
    }

    /// The whole file: the version record, then step and epoch events in step order (an epoch's
    /// event follows the event of its last step).
    ///
    /// Every event carries the same `wallTime`: the log records no per-step clock, and inventing
    /// times would mislead TensorBoard's "relative" axis more than a single instant does.
    public static func contents(steps: [StepRecord], epochs: [EpochRecord], wallTime: Double) -> [UInt8] {
        var out = TFRecord.frame(fileVersionEvent(wallTime: wallTime))
        var epochIndex = 0
        func flushEpochs(through step: Int) {
            while epochIndex < epochs.count, epochs[epochIndex].step <= step {
                let e = epochs[epochIndex]
                var values: [(tag: String, value: Double)] = [("train_loss", e.trainLoss)]
                if !e.valLoss.isNaN { values.append(("val_loss", e.valLoss)) }
                out += TFRecord.frame(scalarEvent(wallTime: wallTime, step: e.step, values: values))
                epochIndex += 1
            }
        }
        for s in steps {
            flushEpochs(through: s.step - 1)
            out += TFRecord.frame(scalarEvent(wallTime: wallTime, step: s.step, values: [
                ("loss", s.loss), ("grad_norm", s.gradNorm), ("clipped_grad_norm", s.clippedGradNorm), ("lr", s.lr),
            ]))
        }
        flushEpochs(through: Int.max)
        return out
    }

    /// Writes the event file into `directory` and returns its path. The bytes go to a temporary
    /// name without "tfevents" in it (so a running TensorBoard ignores the half-written file) and
    /// are renamed into place.
    @discardableResult
    public static func write(steps: [StepRecord], epochs: [EpochRecord], into directory: RunDirectory, now: Date = Date(), hostname: String = ProcessInfo.processInfo.hostName) throws(RunFolderError) -> String {
        let wallTime = now.timeIntervalSince1970
        let path = directory.file(fileName(unixSeconds: Int64(wallTime.rounded(.down)), hostname: hostname))
        let temporary = directory.file(".events-\(getpid()).tmp")
        let bytes = contents(steps: steps, epochs: epochs, wallTime: wallTime)
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw .cannotWrite(path: path, reason: "could not create \(temporary)")
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotWrite(path: path, reason: reason)
        }
        return path
    }
}
