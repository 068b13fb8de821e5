import Foundation

/// Streams `metrics.csv` and `epochs.csv` while training runs.
///
/// Rows are buffered and appended at the end of every epoch (and at most every 4096 rows), so a
/// run that is killed leaves complete rows up to its last finished epoch; a partial last line is
/// impossible because each flush writes whole lines.
public final class MetricsLog: TrainingObserver {
    private let metrics: FileHandle
    private let epochs: FileHandle
    private let logEvery: Int
    private var buffer = ""
    private var bufferedRows = 0
    private var lastWritten: Int = 0
    private var pending: StepRecord?
    /// Every epoch row, kept for the summary and charts.
    public private(set) var epochRecords: [EpochRecord] = []
    /// The step rows that were written (every `log_every`-th plus the last of each epoch).
    public private(set) var stepRecords: [StepRecord] = []

    /// Creates both files with their headers.
    public init(directory: RunDirectory, kind: ModelKind, logEvery: Int) throws(RunFolderError) {
        self.logEvery = max(logEvery, 1)
        metrics = try Self.open(directory.file("metrics.csv"), header: StepRecord.csvHeader)
        epochs = try Self.open(directory.file("epochs.csv"), header: EpochRecord.csvHeader(for: kind))
    }

    static func open(_ path: String, header: String) throws(RunFolderError) -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: Data((header + "\n").utf8)),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw .cannotWrite(path: path, reason: "could not create the file")
        }
        handle.seekToEndOfFile()
        return handle
    }

    public func trainerDidStep(_ record: StepRecord) {
        if record.step % logEvery == 0 || record.step == 1 || record.skipped {
            append(record)
        } else {
            pending = record
        }
    }

    public func trainerDidFinishEpoch(_ record: EpochRecord) {
        flushPendingStep()
        epochRecords.append(record)
        epochs.write(Data((record.csvRow + "\n").utf8))
        flush()
    }

    /// Writes whatever is buffered; call when training ends for any reason.
    public func finish() {
        flushPendingStep()
        flush()
        try? metrics.close()
        try? epochs.close()
    }

    private func append(_ record: StepRecord) {
        pending = nil
        guard record.step > lastWritten else { return }
        lastWritten = record.step
        stepRecords.append(record)
        buffer += record.csvRow
        buffer += "\n"
        bufferedRows += 1
        if bufferedRows >= 4096 { flush() }
    }

    /// The last step of an epoch (or of the run) is always logged, even between `log_every` rows.
    private func flushPendingStep() {
        if let record = pending { append(record) }
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        metrics.write(Data(buffer.utf8))
        buffer = ""
        bufferedRows = 0
    }
}
