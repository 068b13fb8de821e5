import Foundation

/// `String(format: "%.1f", v)` without Foundation's formatter: the same text for every Double.
///
/// Why: the charts write two coordinates per plotted point; with `String(format:)` (~1 µs a
/// call through CoreFoundation) rendering the run folder's charts took ~20 % of exercise 5's
/// whole `trainer run` process (perf).
///
/// How it stays exact: printf rounds the exact binary value to one decimal, ties to even. p =
/// v·10 rounded is the double nearest to the exact product, and e = fma(v, 10, −p) is the exact
/// remainder, so p is off from v·10 only by e. Halfway points (k + 0.5) are doubles here, so
/// the exact product lies on the other side of one from p only when p is that halfway point
/// itself; then e's sign decides, and a zero e is a true tie (to even).
enum FixedPointText {
    static func oneDecimal(_ v: Double) -> String {
        // Beyond 2^50 (and for NaN and ±∞) printf's own output is used.
        guard v.isFinite, abs(v) < 0x1p50 else { return String(format: "%.1f", v) }
        let p = v * 10
        let e = (-p).addingProduct(v, 10)
        let q: Double
        // p is a halfway point exactly when 2p (exact) is an odd integer; p − ⌊p⌋ == 0.5 is not
        // a test of that, since the subtraction itself can round to 0.5.
        let twice = p + p
        if twice == twice.rounded(.towardZero) && abs(twice.truncatingRemainder(dividingBy: 2)) == 1 {
            q = e > 0 ? p.rounded(.up) : (e < 0 ? p.rounded(.down) : p.rounded(.toNearestOrEven))
        } else {
            q = p.rounded(.toNearestOrEven)
        }
        let tenths = Int(abs(q))
        var text = v.sign == .minus ? "-" : ""
        text += String(tenths / 10)
        text += "."
        text += String(tenths % 10)
        return text
    }
}
