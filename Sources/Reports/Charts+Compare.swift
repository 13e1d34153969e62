import Foundation

/// Charts of comparisons: two arms side by side, and differences with their intervals.
extension Chart {
    /// For each row, A's and B's proportion as two bars (A hatched, B solid) with 95% whiskers.
    static func pairedProportions(title: String, rows: [(label: String, a: (Double, Double, Double), b: (Double, Double, Double))],
                                  aName: String, bName: String) -> String {
        let barHeight = 14.0, rowHeight = 2 * barHeight + 14
        let labelWidth = min(300, Double(rows.map(\.label.count).max() ?? 10) * 7 + 16)
        var frame = Frame(width: 760, height: 110 + rowHeight * Double(rows.count), left: labelWidth, right: 70, top: 66,
                          x: 0...1, y: 0...1)
        frame.yMax = Double(rows.count)
        var s = frame.open(title: title, xLabel: "share of runs (whiskers: 95% Wilson intervals)", yLabel: "",
                           xFormat: { "\(Int(($0 * 100).rounded()))%" }, yFormat: { _ in "" },
                           xTicks: [0, 0.2, 0.4, 0.6, 0.8, 1], yGrid: false)
        s += hatchDefinition
        for (i, row) in rows.enumerated() {
            let top = frame.y(Double(rows.count - i)) + 7
            s += "<text x=\"\(px(frame.left - 8))\" y=\"\(px(top + barHeight + 4))\" text-anchor=\"end\">\(xmlEscaped(row.label))</text>"
            for (k, value) in [row.a, row.b].enumerated() {
                let y = top + Double(k) * barHeight, mid = y + barHeight / 2 - 1
                s += "<rect x=\"\(px(frame.x(0)))\" y=\"\(px(y))\" width=\"\(px(max(0.5, frame.x(value.0) - frame.x(0))))\" height=\"\(px(barHeight - 2))\" fill=\"\(k == 0 ? "url(#hatch)" : "#1b4f72")\" stroke=\"#1b4f72\"/>"
                s += "<path d=\"M\(px(frame.x(value.1))),\(px(mid))L\(px(frame.x(value.2))),\(px(mid))\" stroke=\"black\" stroke-width=\"1.5\"/>"
                s += "<text x=\"\(px(frame.x(value.2) + 6))\" y=\"\(px(mid + 4))\">\(String(format: "%.1f%%", 100 * value.0))</text>"
            }
        }
        s += key([(aName, "url(#hatch)"), (bName, "#1b4f72")], width: frame.width, y: 46)
        return s + "</svg>"
    }

    /// A forest plot: each row's difference B − A as a dot with its 95% interval, and a line at 0.
    static func differences(title: String, items: [(label: String, value: Double, low: Double, high: Double)],
                            xLabel: String, format: @escaping (Double) -> String) -> String {
        let finite = items.filter { $0.low.isFinite && $0.high.isFinite }
        let lo = min(finite.map(\.low).min() ?? -0.01, 0), hi = max(finite.map(\.high).max() ?? 0.01, 0)
        let pad = max((hi - lo) * 0.08, 1e-9)
        let rowHeight = 26.0
        let labelWidth = min(330, Double(items.map(\.label.count).max() ?? 10) * 7 + 16)
        var frame = Frame(width: 760, height: 96 + rowHeight * Double(items.count), left: labelWidth, right: 110, top: 40,
                          x: (lo - pad)...(hi + pad), y: 0...1)
        frame.yMax = Double(items.count)
        let ticks = niceTicks(frame.xMin, frame.xMax, count: 5)
        var s = frame.open(title: title, xLabel: xLabel, yLabel: "", xFormat: format, yFormat: { _ in "" },
                           xTicks: ticks, yGrid: false)
        s += "<line x1=\"\(px(frame.x(0)))\" y1=\"\(px(frame.top))\" x2=\"\(px(frame.x(0)))\" y2=\"\(px(frame.y(0)))\" stroke=\"#666\" stroke-dasharray=\"4 3\"/>"
        for (i, item) in items.enumerated() {
            let y = frame.y(Double(items.count - i)) + rowHeight / 2
            s += "<text x=\"\(px(frame.left - 8))\" y=\"\(px(y + 4))\" text-anchor=\"end\">\(xmlEscaped(item.label))</text>"
            guard item.value.isFinite else { continue }
            if item.low.isFinite && item.high.isFinite {
                s += "<path d=\"M\(px(frame.x(item.low))),\(px(y))L\(px(frame.x(item.high))),\(px(y))M\(px(frame.x(item.low))),\(px(y - 5))L\(px(frame.x(item.low))),\(px(y + 5))M\(px(frame.x(item.high))),\(px(y - 5))L\(px(frame.x(item.high))),\(px(y + 5))\" stroke=\"black\" stroke-width=\"1.5\"/>"
            }
            let excludesZero = item.low > 0 || item.high < 0
            s += "<circle cx=\"\(px(frame.x(item.value)))\" cy=\"\(px(y))\" r=\"4.5\" fill=\"\(excludesZero ? "#1b4f72" : "white")\" stroke=\"#1b4f72\" stroke-width=\"2\"/>"
            s += "<text x=\"\(px(frame.width - frame.right + 8))\" y=\"\(px(y + 4))\">\(xmlEscaped(format(item.value)))</text>"
        }
        return s + "</svg>"
    }

    static let hatchDefinition = "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"white\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#1b4f72\" stroke-width=\"2.5\"/></pattern></defs>"

    /// A one-line key of filled swatches, centred at height `y`.
    static func key(_ entries: [(label: String, fill: String)], width: Double, y: Double) -> String {
        let widths = entries.map { Double($0.label.count) * 7 + 34 }
        var x = (width - widths.reduce(0, +)) / 2, s = ""
        for (k, entry) in entries.enumerated() {
            s += "<rect x=\"\(px(x))\" y=\"\(px(y - 10))\" width=\"14\" height=\"12\" fill=\"\(entry.fill)\" stroke=\"#1b4f72\"/>"
            s += "<text x=\"\(px(x + 20))\" y=\"\(px(y))\">\(xmlEscaped(entry.label))</text>"
            x += widths[k]
        }
        return s
    }
}
