import Foundation

/// Progress of long work on standard error — done / total, rate and time left — shown only when
/// standard error is a terminal, redrawn at most ten times a second, so logs and pipes stay clean.
public final class ProgressReporter {
    let total: Int
    let label: String
    let enabled: Bool
    let started = Date()
    var lastDraw = Date.distantPast
    var drawn = false

    public init(total: Int, label: String = "runs", quiet: Bool = false) {
        self.total = total
        self.label = label
        self.enabled = !quiet && isatty(STDERR_FILENO) != 0
    }

    public func update(done: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done == total else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let percent = total > 0 ? 100 * Double(done) / Double(total) : 100
        let line = String(format: "%d/%d %@ (%.0f%%) · %@ %@/s · %@ left", done, total, label, percent,
                          Self.grouped(rate), label, Self.duration(left))
        StandardError.write("\r\u{1B}[K" + line)
        drawn = true
    }

    public func finish() {
        if drawn { StandardError.write("\r\u{1B}[K") }
    }

    static func grouped(_ x: Double) -> String {
        let n = Int(x.rounded())
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.0f s", seconds) }
        if seconds < 3600 { return String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%d h %02d min", Int(seconds) / 3600, Int(seconds) % 3600 / 60)
    }
}
