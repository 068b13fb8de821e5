import Foundation
import Testing
@testable import TrainerCore

@Suite struct TensorBoardEventTests {
    @Test func crc32cOfKnownVectors() {
        // The check value of CRC-32C and the RFC 3720 (iSCSI) B.4 test vectors.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    /// Eight bytes at a time must agree with the byte-at-a-time definition for every length
    /// and alignment (the tail and the start of the words).
    @Test func slicedCRCEqualsTheBytewiseOne() {
        var rng = SeededGenerator(seed: 32)
        let bytes = (0..<300).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        func bytewise(_ slice: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in slice { crc = CRC32C.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            return crc ^ 0xFFFF_FFFF
        }
        for start in 0..<9 {
            for end in start...min(start + 140, bytes.count) {
                let slice = bytes[start..<end]
                #expect(slice.withUnsafeBufferPointer { CRC32C.checksum($0) } == bytewise(slice))
                #expect(CRC32C.checksum(slice) == bytewise(slice))
            }
        }
        #expect(CRC32C.checksum(AnySequence(bytes)) == bytewise(bytes[...]))  // not contiguous
    }

    @Test func maskedCRC() {
        // ((crc >> 15) | (crc << 17)) + 0xa282ead8 mod 2^32, worked out in Python.
        #expect(CRC32C.masked(0xE306_9283) == 0xC78A_B0E5)
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
    }

    /// Expected bytes from an independent Python (stdlib only) encoder: a bitwise CRC-32C,
    /// varints and `struct.pack`:
    ///
    ///     def crc32c(data):
    ///         crc = 0xFFFFFFFF
    ///         for b in data:
    ///             crc ^= b
    ///             for _ in range(8): crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    ///         return crc ^ 0xFFFFFFFF
    ///     def masked(c): return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF
    ///     def varint(n):
    ///         out = b""
    ///         while n >= 0x80: out += bytes([(n & 0x7F) | 0x80]); n >>= 7
    ///         return out + bytes([n])
    ///     def ld(field, payload): return varint(field << 3 | 2) + varint(len(payload)) + payload
    ///     value = ld(1, b"loss") + bytes([0x15]) + struct.pack("<f", 0.25)
    ///     event = bytes([0x09]) + struct.pack("<d", 1.5) + bytes([0x10]) + varint(3) + ld(5, ld(1, value))
    ///     header = struct.pack("<Q", len(event))
    ///     record = header + struct.pack("<I", masked(crc32c(header))) + event + struct.pack("<I", masked(crc32c(event)))
    @Test func oneScalarRecordIsByteExact() {
        let event = TensorBoardEvents.scalarEvent(wallTime: 1.5, step: 3, values: [("loss", 0.25)])
        let expected: [UInt8] = [
            0x1A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x9B, 0xD8, 0x2D, 0x09, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0xF8, 0x3F, 0x10, 0x03, 0x2A, 0x0D, 0x0A, 0x0B, 0x0A, 0x04, 0x6C, 0x6F, 0x73,
            0x73, 0x15, 0x00, 0x00, 0x80, 0x3E, 0xD0, 0x54, 0xB2, 0x55,
        ]
        #expect(TFRecord.frame(event) == expected)
    }

    @Test func fileVersionEvent() {
        // wall_time 0 (tag 0x09, eight zero bytes), then field 3 "brain.Event:2" (tag 0x1a, length 13).
        let event = TensorBoardEvents.fileVersionEvent(wallTime: 0)
        #expect(event == [0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x1A, 13] + Array("brain.Event:2".utf8))
    }

    @Test func varintsOfLargeAndNegativeSteps() {
        var w = ProtobufWriter()
        w.int64(2, 300)
        #expect(w.bytes == [0x10, 0xAC, 0x02])
        var negative = ProtobufWriter()
        negative.int64(2, -1)
        // Protobuf writes a negative int64 as its 64-bit two's complement: ten bytes.
        #expect(negative.bytes == [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    @Test func fileNameIsSafe() {
        #expect(TensorBoardEvents.fileName(unixSeconds: 1_700_000_000, hostname: "node-1") == "events.out.tfevents.1700000000.node-1")
        #expect(TensorBoardEvents.fileName(unixSeconds: 5, hostname: "a/b") == "events.out.tfevents.5.a_b")
        #expect(TensorBoardEvents.fileName(unixSeconds: 5, hostname: "") == "events.out.tfevents.5.localhost")
    }

    /// Splits a file back into records, checking both CRCs of each.
    static func records(_ bytes: [UInt8]) -> [[UInt8]]? {
        var out: [[UInt8]] = []
        var i = 0
        func le(_ at: Int, _ count: Int) -> UInt64 { (0..<count).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) } }
        while i < bytes.count {
            guard i + 12 <= bytes.count else { return nil }
            let length = Int(le(i, 8))
            guard UInt32(le(i + 8, 4)) == CRC32C.masked(CRC32C.checksum(bytes[i..<(i + 8)])), i + 16 + length <= bytes.count else { return nil }
            let data = Array(bytes[(i + 12)..<(i + 12 + length)])
            guard UInt32(le(i + 12 + length, 4)) == CRC32C.masked(CRC32C.checksum(data)) else { return nil }
            out.append(data)
            i += 16 + length
        }
        return out
    }

    @Test func fileHoldsVersionThenStepAndEpochEventsInStepOrder() throws {
        let steps = (1...4).map { DiagnosisTests.step($0, epoch: ($0 + 1) / 2, norm: 1, loss: 1) }
        let epochs = [EpochRecord(epoch: 1, step: 2, trainLoss: 0.5, valLoss: .nan, trainMetric: 0, valMetric: .nan),
                      EpochRecord(epoch: 2, step: 4, trainLoss: 0.4, valLoss: 0.45, trainMetric: 0, valMetric: 0)]
        let bytes = TensorBoardEvents.contents(steps: steps, epochs: epochs, wallTime: 2)
        let records = try #require(Self.records(bytes))
        #expect(records.count == 1 + 4 + 2)
        #expect(records[0] == TensorBoardEvents.fileVersionEvent(wallTime: 2))
        // Step 2's event, then epoch 1's (train_loss only: no validation split), then step 3.
        #expect(records[2] == TensorBoardEvents.scalarEvent(wallTime: 2, step: 2, values: [("loss", 1), ("grad_norm", 1), ("clipped_grad_norm", 1), ("lr", 0.1)]))
        #expect(records[3] == TensorBoardEvents.scalarEvent(wallTime: 2, step: 2, values: [("train_loss", 0.5)]))
        #expect(records[6] == TensorBoardEvents.scalarEvent(wallTime: 2, step: 4, values: [("train_loss", 0.4), ("val_loss", 0.45)]))
    }

    static let tensorboardAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import tensorboard"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// Reads a written file back with TensorBoard's own loader. CI has no `tensorboard`, so the
    /// test is skipped there, and says so in the test output.
    @Test(.enabled(if: tensorboardAvailable, "the Python tensorboard package is not importable (pip install tensorboard to run it)"))
    func tensorboardReadsTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var steps = (1...6).map { DiagnosisTests.step($0, epoch: ($0 + 2) / 3, norm: Double($0), loss: 1 / Double($0)) }
        steps[4].clippedGradNorm = 2.5
        steps[4].clipCoefficient = 0.5
        let epochs = [EpochRecord(epoch: 1, step: 3, trainLoss: 0.75, valLoss: 0.8, trainMetric: 0, valMetric: 0),
                      EpochRecord(epoch: 2, step: 6, trainLoss: 0.25, valLoss: 0.3, trainMetric: 0, valMetric: 0)]
        let path = try TensorBoardEvents.write(steps: steps, epochs: epochs, into: RunDirectory(path: folder.path),
                                               now: Date(timeIntervalSince1970: 1_700_000_000.25), hostname: "test-host")
        #expect(path.hasSuffix("/events.out.tfevents.1700000000.test-host"))
        let script = """
        import sys
        from tensorboard.backend.event_processing import event_accumulator
        acc = event_accumulator.EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})
        acc.Reload()
        for tag in sorted(acc.Tags()["scalars"]):
            for e in acc.Scalars(tag):
                print(tag, e.step, repr(e.value), repr(e.wall_time))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, folder.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 6 * 4 + 2 * 2)
        #expect(lines.contains("grad_norm 5 5.0 1700000000.25"))
        #expect(lines.contains("clipped_grad_norm 5 2.5 1700000000.25"))
        #expect(lines.contains("lr 1 0.10000000149011612 1700000000.25"))  // 0.1 as a float
        #expect(lines.contains("loss 4 0.25 1700000000.25"))
        #expect(lines.contains("train_loss 6 0.25 1700000000.25"))
        #expect(lines.contains("val_loss 3 0.800000011920929 1700000000.25"))
    }
}
