import Foundation

/// Just enough of the protobuf wire format to encode TensorBoard's `Event` and `Summary`
/// messages: varints, 64-bit doubles, 32-bit floats and length-delimited fields.
///
/// Hand-written instead of depending on swift-protobuf: the event file needs a handful of
/// fields, and swift-protobuf's code generator plugin adds minutes to every clean build.
struct ProtobufWriter {
    /// The encoded message so far.
    private(set) var bytes: [UInt8] = []

    /// Wire types used here (protobuf encoding spec).
    enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    mutating func key(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | type.rawValue)
    }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// An `int64` field; negative values take ten bytes, as in protobuf (two's complement).
    mutating func int64(_ field: Int, _ value: Int64) {
        key(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// A `double` field, little-endian IEEE 754.
    mutating func double(_ field: Int, _ value: Double) {
        key(field, .fixed64)
        littleEndian(value.bitPattern, count: 8)
    }

    /// A `float` field, little-endian IEEE 754.
    mutating func float(_ field: Int, _ value: Float) {
        key(field, .fixed32)
        littleEndian(UInt64(value.bitPattern), count: 4)
    }

    /// A `string` field, UTF-8.
    mutating func string(_ field: Int, _ value: String) {
        message(field, Array(value.utf8))
    }

    /// An embedded message (or any bytes) field.
    mutating func message(_ field: Int, _ encoded: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(encoded.count))
        bytes += encoded
    }

    private mutating func littleEndian(_ value: UInt64, count: Int) {
        for i in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }
}
