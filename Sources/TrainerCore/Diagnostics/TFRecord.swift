/// TFRecord framing, the container of TensorBoard event files: each record is
/// `uint64 length` (little-endian), `uint32 masked CRC-32C of those 8 bytes`, the data, and
/// `uint32 masked CRC-32C of the data`.
public enum TFRecord {
    /// One framed record.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var header: [UInt8] = []
        header.reserveCapacity(8)
        let length = UInt64(data.count)
        for i in 0..<8 { header.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        var out = header
        out.reserveCapacity(data.count + 16)
        out += le32(CRC32C.masked(CRC32C.checksum(header)))
        out += data
        out += le32(CRC32C.masked(CRC32C.checksum(data)))
        return out
    }

    static func le32(_ v: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) }
    }
}
