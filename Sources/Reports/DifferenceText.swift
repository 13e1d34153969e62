import Foundation

/// Differences and their tests as people read them, the same in the terminal tables and the
/// reports of comparisons and sweeps: "10.3%", "−2.1 pts", "+0.58", "<0.001"; undefined as "—".
enum DifferenceText {
    static func percent(_ p: Double) -> String { p.isNaN ? "—" : String(format: "%.1f%%", 100 * p) }

    /// A difference of probabilities in percentage points, signed.
    static func points(_ d: Double) -> String {
        d.isNaN ? "—" : String(format: "%+.1f pts", 100 * d).replacingOccurrences(of: "-", with: "−")
    }

    /// A difference of means, signed.
    static func signed(_ x: Double) -> String {
        x.isNaN ? "—" : (x > 0 ? "+" : "") + humanNumber(x).replacingOccurrences(of: "-", with: "−")
    }

    static func pValue(_ p: Double) -> String { p.isNaN ? "—" : p < 0.001 ? "<0.001" : String(format: "%.3f", p) }
}
