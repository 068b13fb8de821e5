import Foundation

/// A run's log as a TensorBoard event file, `events.out.tfevents.<unix-seconds>.<hostname>`, so
/// `tensorboard --logdir Runs` shows every run side by side, while it trains: `MetricsLog`
/// creates the file when the run starts and its writer thread appends each batch of rows' events
/// as it appends the rows to `metrics.csv` and `epochs.csv`.
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

    /// What every event file's name starts with.
    public static let fileNamePrefix = "events.out.tfevents."

    /// The event file's name for a run written at `unixSeconds` on `hostname`.
    public static func fileName(unixSeconds: Int64, hostname: String) -> String {
        // A slash would make the name a path; an empty host name would end the name with a dot.
        let host = hostname.isEmpty ? "localhost" : hostname.replacingOccurrences(of: "/", with: "_")
        return fileNamePrefix + "\(unixSeconds).\(host)"
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

    /// The framed event of a logged step: `loss`, `grad_norm`, `clipped_grad_norm`, `lr`.
    public static func stepEvent(_ s: StepRecord, wallTime: Double) -> [UInt8] {
        var out: [UInt8] = []
        appendStepEvent(s, wallTime: wallTime, to: &out)
        return out
    }

    /// The framed event of an epoch, at its last step: `train_loss`, and `val_loss` when there
    /// is a validation split.
    public static func epochEvent(_ e: EpochRecord, wallTime: Double) -> [UInt8] {
        var out: [UInt8] = []
        appendEpochEvent(e, wallTime: wallTime, to: &out)
        return out
    }

    // The two events above are encoded in place, field by field, into the caller's buffer: the
    // same bytes as `TFRecord.frame(scalarEvent(...))` (tested), without its nested arrays.
    // Why: `MetricsWriter` encodes every logged row's event on its thread, and built through
    // `ProtobufWriter` the events took ~1 µs each; exercise 5's 2,000 of them tripled its loop
    // time (3.5 against 1.1 ms), whose end waits for the writer to drain.

    /// A `Summary.Value` up to its float: field 1 (the tag), then field 2's key. 0x0A is field 1
    /// length-delimited, 0x15 field 2 32-bit; lengths are single-byte varints for these tags.
    private static func valuePrefix(_ tag: String) -> [UInt8] {
        let name = Array(tag.utf8)
        return [0x0A, UInt8(name.count + 7), 0x0A, UInt8(name.count)] + name + [0x15]
    }

    private static let stepPrefixes = ["loss", "grad_norm", "clipped_grad_norm", "lr"].map(valuePrefix)
    private static let trainLossPrefix = valuePrefix("train_loss")
    private static let valLossPrefix = valuePrefix("val_loss")

    static func appendStepEvent(_ s: StepRecord, wallTime: Double, to out: inout [UInt8]) {
        let p = stepPrefixes
        appendFramed(to: &out) { out in
            appendEventHeader(wallTime: wallTime, step: s.step, summaryLength: p[0].count + p[1].count + p[2].count + p[3].count + 16, to: &out)
            appendValue(p[0], s.loss, to: &out)
            appendValue(p[1], s.gradNorm, to: &out)
            appendValue(p[2], s.clippedGradNorm, to: &out)
            appendValue(p[3], s.lr, to: &out)
        }
    }

    static func appendEpochEvent(_ e: EpochRecord, wallTime: Double, to out: inout [UInt8]) {
        let train = trainLossPrefix, validation = valLossPrefix
        let hasValidation = !e.valLoss.isNaN
        appendFramed(to: &out) { out in
            let length = train.count + 4 + (hasValidation ? validation.count + 4 : 0)
            appendEventHeader(wallTime: wallTime, step: e.step, summaryLength: length, to: &out)
            appendValue(train, e.trainLoss, to: &out)
            if hasValidation { appendValue(validation, e.valLoss, to: &out) }
        }
    }

    /// `Event` fields 1 (wall_time), 2 (step) and the key and length of 5 (summary).
    @inline(__always)
    private static func appendEventHeader(wallTime: Double, step: Int, summaryLength: Int, to out: inout [UInt8]) {
        out.append(0x09)
        appendLittleEndian(wallTime.bitPattern, bytes: 8, to: &out)
        out.append(0x10)
        appendVarint(UInt64(bitPattern: Int64(step)), to: &out)
        out.append(0x2A)
        appendVarint(UInt64(summaryLength), to: &out)
    }

    @inline(__always)
    private static func appendValue(_ prefix: [UInt8], _ value: Double, to out: inout [UInt8]) {
        out.append(contentsOf: prefix)
        appendLittleEndian(UInt64(Float(value).bitPattern), bytes: 4, to: &out)
    }

    @inline(__always)
    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    @inline(__always)
    private static func appendLittleEndian(_ value: UInt64, bytes: Int, to out: inout [UInt8]) {
        for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    /// Appends a TFRecord (`TFRecord.frame`) whose data `body` appends.
    @inline(__always)
    private static func appendFramed(to out: inout [UInt8], _ body: (inout [UInt8]) -> Void) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: 12))
        body(&out)
        let length = out.count - start - 12
        let dataCRC: UInt32 = out.withUnsafeMutableBufferPointer { b in
            for i in 0..<8 { b[start + i] = UInt8(truncatingIfNeeded: UInt64(length) >> (8 * UInt64(i))) }
            let headerCRC = CRC32C.masked(CRC32C.checksum(UnsafeBufferPointer(rebasing: b[start..<(start + 8)])))
            for i in 0..<4 { b[start + 8 + i] = UInt8(truncatingIfNeeded: headerCRC >> (8 * UInt32(i))) }
            return CRC32C.masked(CRC32C.checksum(UnsafeBufferPointer(rebasing: b[(start + 12)...])))
        }
        appendLittleEndian(UInt64(dataCRC), bytes: 4, to: &out)
    }

    /// Step and epoch events in step order, an epoch's event right after the event of its last
    /// step (the order of the file, and of each batch `MetricsWriter` appends).
    public static func events(
        steps: some Sequence<StepRecord>, epochs: some Sequence<EpochRecord>, wallTime: Double, into out: inout [UInt8]
    ) {
        var epochs = epochs.makeIterator()
        var nextEpoch = epochs.next()
        for s in steps {
            while let e = nextEpoch, e.step < s.step {
                appendEpochEvent(e, wallTime: wallTime, to: &out)
                nextEpoch = epochs.next()
            }
            appendStepEvent(s, wallTime: wallTime, to: &out)
        }
        while let e = nextEpoch {
            appendEpochEvent(e, wallTime: wallTime, to: &out)
            nextEpoch = epochs.next()
        }
    }

    /// A whole file: the version record, then step and epoch events in step order, every event
    /// stamped `wallTime` (what `trainer resume` rewrites for the rows it keeps).
    public static func contents(steps: [StepRecord], epochs: [EpochRecord], wallTime: Double) -> [UInt8] {
        var out = TFRecord.frame(fileVersionEvent(wallTime: wallTime))
        events(steps: steps, epochs: epochs, wallTime: wallTime, into: &out)
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
