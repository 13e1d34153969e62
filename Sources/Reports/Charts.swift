import Foundation

/// The charts of a report, each a self-contained SVG element.
enum Chart {
    /// The page's column is 860 pixels or more (HTMLPage's style): a chart no wider is never
    /// scaled down, so its 12-pixel text stays 12 pixels. Half of it, less the gap, for a pair.
    static let columnWidth = 860.0
    static let halfWidth = 410.0

    /// Horizontal bars of proportions with their intervals as whiskers, values printed.
    static func proportions(title: String, items: [(label: String, value: Double, low: Double, high: Double)],
                            xLabel: String) -> String {
        let rowHeight = 30.0
        let labelWidth = min(400, Double(items.map(\.label.count).max() ?? 10) * 7 + 20)
        var frame = Frame(height: 84 + rowHeight * Double(items.count), left: labelWidth, right: 70, x: 0...1, y: 0...1)
        frame.yMin = 0
        frame.yMax = Double(items.count)
        var s = frame.open(title: title, xLabel: xLabel, yLabel: "", xFormat: { "\(Int(($0 * 100).rounded()))%" },
                           yFormat: { _ in "" }, xTicks: [0, 0.2, 0.4, 0.6, 0.8, 1], yGrid: false)
        for (i, item) in items.enumerated() {
            let yTop = frame.y(Double(items.count - i)) + 6, yMid = yTop + (rowHeight - 12) / 2
            s += "<text x=\"\(px(frame.left - 8))\" y=\"\(px(yMid + 4))\" text-anchor=\"end\">\(fitted(item.label, width: labelWidth - 12))</text>"
            s += "<rect x=\"\(px(frame.x(0)))\" y=\"\(px(yTop))\" width=\"\(px(frame.x(item.value) - frame.x(0)))\" height=\"\(px(rowHeight - 12))\" fill=\"#aab7c4\" stroke=\"#1b4f72\"/>"
            s += "<path d=\"M\(px(frame.x(item.low))),\(px(yMid))L\(px(frame.x(item.high))),\(px(yMid))M\(px(frame.x(item.low))),\(px(yMid - 6))L\(px(frame.x(item.low))),\(px(yMid + 6))M\(px(frame.x(item.high))),\(px(yMid - 6))L\(px(frame.x(item.high))),\(px(yMid + 6))\" stroke=\"black\" stroke-width=\"1.5\"/>"
            s += "<text x=\"\(px(frame.x(item.high) + 6))\" y=\"\(px(yMid + 4))\">\(String(format: "%.1f%%", 100 * item.value))</text>"
        }
        return s + "</svg>"
    }

    /// Step curves (survival functions), one style each, with a legend below the plot.
    static func steps(title: String, series: [(label: String, points: [(Double, Double)])], xMax: Double,
                      xLabel: String, yLabel: String) -> String {
        let legendHeight = Frame.legendHeight(series.map(\.label), width: 720 - 64 - 24)
        let frame = Frame(height: 340 + legendHeight, bottom: 52 + legendHeight, x: 0...xMax, y: 0...1)
        var s = frame.open(title: title, xLabel: xLabel, yLabel: yLabel, yFormat: { "\(Int(($0 * 100).rounded()))%" })
        var legend: [(String, SeriesStyle)] = []
        for (i, serie) in series.enumerated() {
            let style = SeriesStyle.at(i)
            var d = "M\(px(frame.x(0))),\(px(frame.y(1)))"
            var last = 1.0
            for (x, y) in serie.points {
                d += "L\(px(frame.x(x))),\(px(frame.y(last)))L\(px(frame.x(x))),\(px(frame.y(y)))"
                last = y
            }
            d += "L\(px(frame.x(xMax))),\(px(frame.y(last)))"
            s += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(style.colour)\" stroke-width=\"2\" stroke-dasharray=\"\(style.dash)\"/>"
            // Markers at fixed fractions of the axis, so curves are told apart where they cross.
            for f in stride(from: 0.1 + 0.03 * Double(i), through: 0.95, by: 0.2) {
                let x = f * xMax
                let y = serie.points.last { $0.0 <= x }?.1 ?? 1
                s += style.markerSVG(frame.x(x), frame.y(y))
            }
            legend.append((serie.label, style))
        }
        return s + frame.legendBelow(legend) + "</svg>"
    }

    /// Lines with optional interval bands and markers at each point (or every `markersEvery`-th);
    /// a legend below the plot, or with `endLabels` each line's label right of its end (moved
    /// apart where ends are close, with a short leader to the end). `xTicks` and `xFormat`
    /// replace the round-number ticks of the x axis (dates, say).
    static func lines(title: String, series: [(label: String, points: [(x: Double, y: Double)], band: [(low: Double, high: Double)]?)],
                      x: ClosedRange<Double>, y: ClosedRange<Double>, xLabel: String, yLabel: String,
                      yFormat: @escaping (Double) -> String = { humanNumber($0) }, markersEvery: Int = 1,
                      endLabels: Bool = false, xTicks: [Double]? = nil, xFormat: ((Double) -> String)? = nil) -> String {
        let width = 720.0
        let right = endLabels ? max(24, (series.map { textWidth($0.label) }.max() ?? 0) + 20) : 24
        let legendHeight = endLabels ? 0 : Frame.legendHeight(series.map(\.label), width: width - 64 - right)
        let frame = Frame(width: width, height: 340 + legendHeight, right: right, bottom: 52 + legendHeight, x: x, y: y)
        var s = frame.open(title: title, xLabel: xLabel, yLabel: yLabel, xFormat: xFormat ?? { humanNumber($0) }, yFormat: yFormat,
                           xTicks: xTicks)
        var legend: [(String, SeriesStyle)] = []
        var ends: [(y: Double, end: (x: Double, y: Double), label: String, style: SeriesStyle)] = []
        for (i, serie) in series.enumerated() {
            let style = SeriesStyle.at(i)
            if let band = serie.band, band.count == serie.points.count, !band.isEmpty {
                var d = "M"
                for (p, b) in zip(serie.points, band) { d += "\(px(frame.x(p.x))),\(px(frame.y(b.high)))L" }
                for (p, b) in zip(serie.points, band).reversed() { d += "\(px(frame.x(p.x))),\(px(frame.y(b.low)))L" }
                d.removeLast()
                s += "<path d=\"\(d)Z\" fill=\"\(style.colour)\" fill-opacity=\"0.15\" stroke=\"\(style.colour)\" stroke-opacity=\"0.4\" stroke-dasharray=\"2 2\"/>"
            }
            let d = serie.points.enumerated().map { (k, p) in (k == 0 ? "M" : "L") + "\(px(frame.x(p.x))),\(px(frame.y(p.y)))" }.joined()
            s += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(style.colour)\" stroke-width=\"2\" stroke-dasharray=\"\(style.dash)\"/>"
            for (k, p) in serie.points.enumerated() where k % max(1, markersEvery) == (i * 3) % max(1, markersEvery) {
                s += style.markerSVG(frame.x(p.x), frame.y(p.y))
            }
            if endLabels, let lastPoint = serie.points.last {
                let end = (x: frame.x(lastPoint.x), y: frame.y(lastPoint.y))
                ends.append((end.y, end, serie.label, style))
            }
            legend.append((serie.label, style))
        }
        if endLabels {
            // Labels at least 14 pixels apart, top to bottom, kept inside the plot's height.
            ends.sort { $0.y < $1.y }
            for k in ends.indices.dropFirst() { ends[k].y = max(ends[k].y, ends[k - 1].y + 14) }
            for k in ends.indices.reversed() {
                ends[k].y = min(ends[k].y, k == ends.count - 1 ? frame.y(frame.yMin) : ends[k + 1].y - 14)
            }
            for e in ends {
                if abs(e.y - e.end.y) > 2 {
                    s += "<line x1=\"\(px(e.end.x + 2))\" y1=\"\(px(e.end.y))\" x2=\"\(px(e.end.x + 7))\" y2=\"\(px(e.y))\" stroke=\"\(e.style.colour)\"/>"
                }
                s += "<text x=\"\(px(e.end.x + 9))\" y=\"\(px(e.y + 4))\" fill=\"\(e.style.colour)\">\(xmlEscaped(e.label))</text>"
            }
        } else {
            s += frame.legendBelow(legend)
        }
        return s + "</svg>"
    }

    /// A histogram: bars for counts in bins, with the mean marked. `width` fits the column it sits
    /// in (410 pixels for one of a pair).
    static func histogram(title: String, bins: [(low: Double, high: Double, count: Int)], mean: Double,
                          xLabel: String, yLabel: String, width: Double = 720) -> String {
        let maxCount = Double(bins.map(\.count).max() ?? 1)
        let frame = Frame(width: width, height: 260, x: (bins.first?.low ?? 0)...(bins.last?.high ?? 1), y: 0...max(maxCount, 1))
        var s = frame.open(title: title, xLabel: xLabel, yLabel: yLabel)
        for bin in bins where bin.count > 0 {
            s += "<rect x=\"\(px(frame.x(bin.low)))\" y=\"\(px(frame.y(Double(bin.count))))\" width=\"\(px(max(1, frame.x(bin.high) - frame.x(bin.low) - 1)))\" height=\"\(px(frame.y(0) - frame.y(Double(bin.count))))\" fill=\"#aab7c4\" stroke=\"#1b4f72\"/>"
        }
        s += "<line x1=\"\(px(frame.x(mean)))\" y1=\"\(px(frame.y(0)))\" x2=\"\(px(frame.x(mean)))\" y2=\"\(px(frame.y(maxCount)))\" stroke=\"black\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>"
        // The mean's label right of its line, or left of it where it would leave the plot.
        let text = "mean \(humanNumber(mean))"
        let fits = frame.x(mean) + 4 + textWidth(text) <= frame.width - frame.right
        s += "<text x=\"\(px(frame.x(mean) + (fits ? 4 : -4)))\" y=\"\(px(frame.y(maxCount) + 12))\"\(fits ? "" : " text-anchor=\"end\"")>\(xmlEscaped(text))</text>"
        return s + "</svg>"
    }

    /// A label as SVG text no wider than `width`: whole, or shortened in the middle with the
    /// whole label as its tooltip.
    static func fitted(_ label: String, width: Double) -> String {
        let room = Int(width / 7)
        guard label.count > room, room > 8 else { return xmlEscaped(label) }
        let head = (room - 1) / 2, tail = room - 1 - head
        return "<title>\(xmlEscaped(label))</title>" + xmlEscaped(String(label.prefix(head)) + "…" + String(label.suffix(tail)))
    }
}
