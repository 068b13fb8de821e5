/// Two consecutive doubles as one two-lane vector: the loads and stores of the hand-vectorised
/// loops (Adam's update, the norms, bias sums and fills), which run in SSE2 registers on the
/// baseline x86-64 target Swift builds for. Unaligned: the buffers are Swift arrays and
/// sub-ranges of them.
enum DoublePair {
    /// p[0] and p[1].
    @inline(__always)
    static func load(_ p: UnsafePointer<Double>) -> SIMD2<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD2<Double>.self)
    }

    /// Writes the two lanes to p[0] and p[1].
    @inline(__always)
    static func store(_ value: SIMD2<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: value, as: SIMD2<Double>.self)
    }
}
