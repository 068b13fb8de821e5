/// The fingerprint of a run's config.json stored in its checkpoints.
///
/// FNV-1a over the file's bytes: not cryptographic, only meant to catch a config edited between
/// a run and its resume (a different lr or batch size would silently break bit-exact resume).
public enum ConfigHash {
    /// `fnv1a64:` followed by 16 hex digits.
    public static func of(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
