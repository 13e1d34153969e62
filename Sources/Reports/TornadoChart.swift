import Foundation

extension Chart {
    /// One parameter of a tornado: what it is and its path, the measure with the parameter
    /// lowered and raised, and the 95% interval of the swing (raised − lowered).
    struct TornadoItem {
        let label: String
        let path: String
        let low: Double
        let high: Double
        let swingInterval: (low: Double, high: Double)

        var withinNoise: Bool { swingInterval.low <= 0 && swingInterval.high >= 0 }
    }

    /// A tornado with names and intervals: for each parameter, a bar from the base value to the
    /// value with the parameter lowered (hatched) and one to the value with it raised (solid),
    /// the largest swing first; each row names the parameter on one line and its path on the
    /// next. A whisker through the raised end spans the swing's interval measured from the
    /// lowered end: when it reaches back to the lowered end the swing is within the noise, and
    /// the row is drawn faded. At most 860 pixels wide, text at 12 pixels or more.
    static func labelledTornado(title: String, items: [TornadoItem], base: Double, xLabel: String, lowLabel: String,
                                highLabel: String, probability: Bool) -> String {
        let ends = items.flatMap { [$0.low, $0.high, $0.low + $0.swingInterval.low, $0.low + $0.swingInterval.high] }
            .filter(\.isFinite) + [base]
        var lo = ends.min() ?? 0, hi = ends.max() ?? 1
        let pad = max((hi - lo) * 0.08, probability ? 0.005 : max(abs(base) * 0.01, 1e-9))
        lo -= pad
        hi += pad
        if probability { lo = max(0, lo); hi = min(1, hi) }
        let rowHeight = 38.0, charWidth = 6.6
        let longest = items.map { max($0.label.count, $0.path.count) }.max() ?? 10
        let labelWidth = min(390, max(160, Double(longest) * charWidth + 16))
        let plotWidth = 420.0
        var frame = Frame(width: labelWidth + plotWidth + 30, height: 96 + rowHeight * Double(items.count) + 52, left: labelWidth,
                          right: 30, top: 96, x: lo...hi, y: 0...1)
        frame.yMax = Double(items.count)
        let ticks = niceTicks(frame.xMin, frame.xMax, count: 8)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 0.01
        let format: (Double) -> String = probability
            ? { String(format: step >= 0.01 - 1e-12 ? "%.0f%%" : "%.1f%%", 100 * $0) } : { humanNumber($0) }
        var s = frame.open(title: title, xLabel: xLabel, yLabel: "", xFormat: format, yFormat: { _ in "" }, xTicks: ticks, yGrid: false)
        s += "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"white\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#1b4f72\" stroke-width=\"2.5\"/></pattern></defs>"
        let fits = Int((labelWidth - 16) / charWidth)
        func cut(_ text: String) -> String { text.count <= fits ? text : String(text.prefix(fits - 1)) + "…" }
        for (i, item) in items.enumerated() {
            let yTop = frame.y(Double(items.count - i)), mid = yTop + rowHeight / 2
            s += "<text x=\"\(px(frame.left - 8))\" y=\"\(px(yTop + 16))\" text-anchor=\"end\">\(xmlEscaped(cut(item.label)))</text>"
            s += "<text x=\"\(px(frame.left - 8))\" y=\"\(px(yTop + 31))\" text-anchor=\"end\" fill=\"#555\">\(xmlEscaped(cut(item.path)))</text>"
            s += item.withinNoise ? "<g opacity=\"0.4\">" : "<g>"
            for (value, lowered) in [(item.low, true), (item.high, false)] where value.isFinite {
                let x0 = frame.x(min(base, value)), x1 = frame.x(max(base, value))
                s += "<rect x=\"\(px(x0))\" y=\"\(px(mid - 10))\" width=\"\(px(max(x1 - x0, 0.5)))\" height=\"20\" fill=\"\(lowered ? "url(#hatch)" : "#1b4f72")\" stroke=\"#1b4f72\"/>"
            }
            s += "</g>"
            let w0 = item.low + item.swingInterval.low, w1 = item.low + item.swingInterval.high
            if w0.isFinite && w1.isFinite {
                let a = frame.x(max(frame.xMin, w0)), b = frame.x(min(frame.xMax, w1))
                s += "<path d=\"M\(px(a)),\(px(mid))L\(px(b)),\(px(mid))M\(px(a)),\(px(mid - 7))L\(px(a)),\(px(mid + 7))M\(px(b)),\(px(mid - 7))L\(px(b)),\(px(mid + 7))\" stroke=\"#c0392b\" stroke-width=\"2\"/>"
            }
        }
        s += "<line x1=\"\(px(frame.x(base)))\" y1=\"\(px(frame.top))\" x2=\"\(px(frame.x(base)))\" y2=\"\(px(frame.y(0)))\" stroke=\"black\" stroke-width=\"1.5\"/>"
        // The key, two lines centred under the title.
        let baseText = probability ? String(format: "%.1f%%", 100 * base) : humanNumber(base)
        let lines: [[(String, String)]] = [
            [("hatch", lowLabel), ("solid", highLabel), ("line", "base scenario, \(baseText)")],
            [("whisker", "95% interval of the swing, from the lowered end"), ("faded", "faded: it holds 0")],
        ]
        for (k, keys) in lines.enumerated() {
            let ly = 48.0 + 22 * Double(k)
            let widths = keys.map { Double($0.1.count) * 6.5 + 40 }
            var x = (frame.width - widths.reduce(0, +)) / 2
            for (n, (kind, text)) in keys.enumerated() {
                switch kind {
                case "hatch", "solid":
                    s += "<rect x=\"\(px(x))\" y=\"\(px(ly - 10))\" width=\"14\" height=\"12\" fill=\"\(kind == "hatch" ? "url(#hatch)" : "#1b4f72")\" stroke=\"#1b4f72\"/>"
                case "line":
                    s += "<line x1=\"\(px(x + 7))\" y1=\"\(px(ly - 12))\" x2=\"\(px(x + 7))\" y2=\"\(px(ly + 4))\" stroke=\"black\" stroke-width=\"1.5\"/>"
                case "whisker":
                    s += "<path d=\"M\(px(x)),\(px(ly - 4))L\(px(x + 16)),\(px(ly - 4))M\(px(x)),\(px(ly - 10))L\(px(x)),\(px(ly + 2))M\(px(x + 16)),\(px(ly - 10))L\(px(x + 16)),\(px(ly + 2))\" stroke=\"#c0392b\" stroke-width=\"2\"/>"
                default:
                    s += "<rect x=\"\(px(x))\" y=\"\(px(ly - 10))\" width=\"14\" height=\"12\" fill=\"#1b4f72\" opacity=\"0.4\"/>"
                }
                s += "<text x=\"\(px(x + 22))\" y=\"\(px(ly))\">\(xmlEscaped(text))</text>"
                x += widths[n]
            }
        }
        return s + "</svg>"
    }
}
