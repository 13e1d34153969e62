import Foundation

extension Chart {
    /// One parameter's Sobol indices with their intervals.
    struct SobolItem {
        let label: String
        let path: String
        let first: Double
        let firstInterval: (low: Double, high: Double)
        let total: Double
        let totalInterval: (low: Double, high: Double)
    }

    /// Paired horizontal bars for each parameter, first-order index (light) above total index
    /// (dark), each with its 95% interval as a whisker and its value printed; the parameter named
    /// on one line and its path on the next. At most 860 pixels wide, text at 12 pixels or more.
    static func sobolBars(title: String, items: [SobolItem], xLabel: String) -> String {
        let values = items.flatMap { [$0.first, $0.total, $0.firstInterval.low, $0.firstInterval.high,
                                      $0.totalInterval.low, $0.totalInterval.high] }.filter(\.isFinite)
        let lo = min(0, values.min() ?? 0), hi = max(0.1, values.max() ?? 1)
        let pad = (hi - lo) * 0.04
        let rowHeight = 50.0, charWidth = 6.6
        let longest = items.map { max($0.label.count, $0.path.count) }.max() ?? 10
        let labelWidth = min(380, max(160, Double(longest) * charWidth + 16))
        var frame = Frame(width: labelWidth + 400 + 60, height: 76 + rowHeight * Double(items.count) + 52, left: labelWidth,
                          right: 60, top: 76, x: (lo < 0 ? lo - pad : 0)...(hi + pad), y: 0...1)
        frame.yMax = Double(items.count)
        let ticks = niceTicks(frame.xMin, frame.xMax, count: 5)
        var s = frame.open(title: title, xLabel: xLabel, yLabel: "", xFormat: { humanNumber($0) }, yFormat: { _ in "" },
                           xTicks: ticks, yGrid: false)
        let fits = Int((labelWidth - 16) / charWidth)
        func cut(_ text: String) -> String { text.count <= fits ? text : String(text.prefix(fits - 1)) + "…" }
        let zero = frame.x(0)
        for (i, item) in items.enumerated() {
            let yTop = frame.y(Double(items.count - i))
            s += "<text x=\"\(px(frame.left - 8))\" y=\"\(px(yTop + 20))\" text-anchor=\"end\">\(xmlEscaped(cut(item.label)))</text>"
            s += "<text x=\"\(px(frame.left - 8))\" y=\"\(px(yTop + 35))\" text-anchor=\"end\" fill=\"#555\">\(xmlEscaped(cut(item.path)))</text>"
            for (k, (value, interval)) in [(item.first, item.firstInterval), (item.total, item.totalInterval)].enumerated() {
                guard value.isFinite else { continue }
                let y = yTop + 8 + Double(k) * 18, mid = y + 7
                let x0 = frame.x(min(0, value)), x1 = frame.x(max(0, value))
                s += "<rect x=\"\(px(x0))\" y=\"\(px(y))\" width=\"\(px(max(x1 - x0, 0.5)))\" height=\"14\" fill=\"\(k == 0 ? "#aab7c4" : "#1b4f72")\" stroke=\"#1b4f72\"/>"
                var right = x1
                if interval.low.isFinite && interval.high.isFinite {
                    let a = frame.x(interval.low), b = frame.x(interval.high)
                    s += "<path d=\"M\(px(a)),\(px(mid))L\(px(b)),\(px(mid))M\(px(a)),\(px(mid - 5))L\(px(a)),\(px(mid + 5))M\(px(b)),\(px(mid - 5))L\(px(b)),\(px(mid + 5))\" stroke=\"black\" stroke-width=\"1.5\"/>"
                    right = max(right, b)
                }
                // Two decimals, without the minus of a value that rounds to 0.
                let text = String(format: "%.2f", value)
                s += "<text x=\"\(px(right + 5))\" y=\"\(px(mid + 4))\">\(Double(text) == 0 ? "0.00" : text)</text>"
            }
        }
        s += "<line x1=\"\(px(zero))\" y1=\"\(px(frame.top))\" x2=\"\(px(zero))\" y2=\"\(px(frame.y(0)))\" stroke=\"#333\"/>"
        let keys: [(String, String)] = [("#aab7c4", "first order: the parameter alone"),
                                        ("#1b4f72", "total: with its interactions"), ("", "bootstrap 95% interval")]
        let widths = keys.map { Double($0.1.count) * 6.5 + 40 }
        var x = (frame.width - widths.reduce(0, +)) / 2
        let ly = 50.0
        for (n, (fill, text)) in keys.enumerated() {
            if fill.isEmpty {
                s += "<path d=\"M\(px(x)),\(px(ly - 4))L\(px(x + 16)),\(px(ly - 4))M\(px(x)),\(px(ly - 9))L\(px(x)),\(px(ly + 1))M\(px(x + 16)),\(px(ly - 9))L\(px(x + 16)),\(px(ly + 1))\" stroke=\"black\" stroke-width=\"1.5\"/>"
            } else {
                s += "<rect x=\"\(px(x))\" y=\"\(px(ly - 10))\" width=\"14\" height=\"12\" fill=\"\(fill)\" stroke=\"#1b4f72\"/>"
            }
            s += "<text x=\"\(px(x + 22))\" y=\"\(px(ly))\">\(xmlEscaped(text))</text>"
            x += widths[n]
        }
        return s + "</svg>"
    }
}
