/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum TFRecord framing uses.
/// Hand-written because Foundation has no CRC-32C and the table is 1 KiB of arithmetic.
public enum CRC32C {
    /// The byte-at-a-time lookup table for the reflected polynomial.
    static let table: [UInt32] = (0..<256).map { (byte: UInt32) in
        var crc = byte
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// Tables for eight bytes at a time ("slicing-by-8"): entry k·256 + b is the CRC update
    /// of byte b followed by k zero bytes.
    static let sliced: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for b in 0..<256 { t[b] = table[b] }
        for k in 1..<8 {
            for b in 0..<256 {
                let previous = t[(k - 1) * 256 + b]
                t[k * 256 + b] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return t
    }()

    /// The CRC-32C of `bytes` ("123456789" → 0xE3069283).
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum($0) }) { return crc }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// The CRC-32C of contiguous bytes, eight at a time.
    ///
    /// Why: `MetricsWriter` checksums every logged row's TensorBoard event (~95 bytes) on its
    /// thread; a byte at a time, each step waiting on the last, that was the largest part of
    /// encoding an event, and exercise 5's loop waits for the writer at its end.
    public static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        guard let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var i = 0
        sliced.withUnsafeBufferPointer { t in
            while i + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ UInt64(crc)
                crc = t[7 * 256 + Int(word & 0xFF)] ^ t[6 * 256 + Int((word >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((word >> 16) & 0xFF)] ^ t[4 * 256 + Int((word >> 24) & 0xFF)]
                    ^ t[3 * 256 + Int((word >> 32) & 0xFF)] ^ t[2 * 256 + Int((word >> 40) & 0xFF)]
                    ^ t[256 + Int((word >> 48) & 0xFF)] ^ t[Int(word >> 56)]
                i += 8
            }
            while i < bytes.count {
                crc = t[Int((crc ^ UInt32(bytes[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// TFRecord's masked CRC: rotate right by 15 and add a constant, so that a CRC stored inside
    /// checksummed data does not make the outer checksum degenerate.
    public static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
