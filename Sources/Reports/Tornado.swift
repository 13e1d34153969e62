import Foundation

extension Chart {
    /// A tornado: for each parameter, a bar from the outcome's probability with the parameter
    /// lowered to its probability with the parameter raised, around the base probability; the
    /// largest swing first.
    static func tornado(title: String, items: [(label: String, low: Double, high: Double)], base: Double,
                        xLabel: String, lowLabel: String, highLabel: String) -> String {
        let lo = min(items.map { min($0.low, $0.high) }.min() ?? base, base)
        let hi = max(items.map { max($0.low, $0.high) }.max() ?? base, base)
        let pad = max((hi - lo) * 0.1, 0.005)
        let rowHeight = 24.0
        // Long parameter paths get their room up to the page's 860 pixels, the bars keeping 420;
        // a longer path is shortened in the middle (the table below has it whole).
        let labelWidth = min(410, (items.map { textWidth($0.label) }.max() ?? 70) + 20)
        let plotWidth = 420.0
        var frame = Frame(width: labelWidth + plotWidth + 30, height: 130 + rowHeight * Double(items.count), left: labelWidth,
                          right: 30, top: 72, x: max(0, lo - pad)...min(1, hi + pad), y: 0...1)
        frame.yMax = Double(items.count)
        let ticks = niceTicks(frame.xMin, frame.xMax, count: 5)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 0.01
        var s = frame.open(title: title, xLabel: xLabel, yLabel: "",
                           xFormat: { String(format: step >= 0.01 - 1e-12 ? "%.0f%%" : "%.1f%%", 100 * $0) },
                           yFormat: { _ in "" }, xTicks: ticks, yGrid: false)
        for (i, item) in items.enumerated() {
            let yTop = frame.y(Double(items.count - i)) + 4, h = rowHeight - 8
            s += "<text x=\"\(px(frame.left - 8))\" y=\"\(px(yTop + h / 2 + 4))\" text-anchor=\"end\">\(fitted(item.label, width: labelWidth - 12))</text>"
            // Scaled down: hatched; scaled up: solid. Told apart without colour.
            for (value, lowered) in [(item.low, true), (item.high, false)] {
                let x0 = frame.x(min(base, value)), x1 = frame.x(max(base, value))
                s += "<rect x=\"\(px(x0))\" y=\"\(px(yTop))\" width=\"\(px(max(x1 - x0, 0.5)))\" height=\"\(px(h))\" fill=\"\(lowered ? "url(#hatch)" : "#1b4f72")\" stroke=\"#1b4f72\"/>"
            }
        }
        s += "<line x1=\"\(px(frame.x(base)))\" y1=\"\(px(frame.top))\" x2=\"\(px(frame.x(base)))\" y2=\"\(px(frame.y(0)))\" stroke=\"black\" stroke-width=\"1.5\"/>"
        s += "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"white\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#1b4f72\" stroke-width=\"2.5\"/></pattern></defs>"
        // The key, centred under the title.
        let ly = 50.0
        let keys = [lowLabel, highLabel, "line: base scenario, \(String(format: "%.1f%%", 100 * base))"]
        let widths = keys.map { textWidth($0) + 34 }
        var x = (frame.width - widths.reduce(0, +)) / 2
        for (k, key) in keys.enumerated() {
            if k < 2 {
                s += "<rect x=\"\(px(x))\" y=\"\(px(ly - 10))\" width=\"14\" height=\"12\" fill=\"\(k == 0 ? "url(#hatch)" : "#1b4f72")\" stroke=\"#1b4f72\"/>"
            } else {
                s += "<line x1=\"\(px(x + 7))\" y1=\"\(px(ly - 12))\" x2=\"\(px(x + 7))\" y2=\"\(px(ly + 4))\" stroke=\"black\" stroke-width=\"1.5\"/>"
            }
            s += "<text x=\"\(px(x + 20))\" y=\"\(px(ly))\">\(xmlEscaped(key))</text>"
            x += widths[k]
        }
        return s + "</svg>"
    }
}
