import Foundation

/// The charts of a report, each a self-contained SVG element.
enum Chart {
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
            s += "<text x=\"\(px(frame.left - 8))\" y=\"\(px(yMid + 4))\" text-anchor=\"end\">\(xmlEscaped(item.label))</text>"
            s += "<rect x=\"\(px(frame.x(0)))\" y=\"\(px(yTop))\" width=\"\(px(frame.x(item.value) - frame.x(0)))\" height=\"\(px(rowHeight - 12))\" fill=\"#aab7c4\" stroke=\"#1b4f72\"/>"
            s += "<path d=\"M\(px(frame.x(item.low))),\(px(yMid))L\(px(frame.x(item.high))),\(px(yMid))M\(px(frame.x(item.low))),\(px(yMid - 6))L\(px(frame.x(item.low))),\(px(yMid + 6))M\(px(frame.x(item.high))),\(px(yMid - 6))L\(px(frame.x(item.high))),\(px(yMid + 6))\" stroke=\"black\" stroke-width=\"1.5\"/>"
            s += "<text x=\"\(px(frame.x(item.high) + 6))\" y=\"\(px(yMid + 4))\">\(String(format: "%.1f%%", 100 * item.value))</text>"
        }
        return s + "</svg>"
    }

    /// Step curves (survival functions), one style each, with a legend.
    static func steps(title: String, series: [(label: String, points: [(Double, Double)])], xMax: Double,
                      xLabel: String, yLabel: String) -> String {
        let frame = Frame(x: 0...xMax, y: 0...1)
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
        return s + frame.legend(legend, at: (frame.width - frame.right - Double(legend.map(\.0.count).max() ?? 10) * 7 - 50, frame.height - frame.bottom - Double(legend.count * 18 + 14))) + "</svg>"
    }

    /// Lines with optional interval bands and markers at each point; direct labels at the ends.
    static func lines(title: String, series: [(label: String, points: [(x: Double, y: Double)], band: [(low: Double, high: Double)]?)],
                      x: ClosedRange<Double>, y: ClosedRange<Double>, xLabel: String, yLabel: String,
                      yFormat: @escaping (Double) -> String = { humanNumber($0) }, markersEvery: Int = 1,
                      endLabels: Bool = false) -> String {
        let frame = Frame(right: endLabels ? 120 : 24, x: x, y: y)
        var s = frame.open(title: title, xLabel: xLabel, yLabel: yLabel, yFormat: yFormat)
        var legend: [(String, SeriesStyle)] = []
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
                s += "<text x=\"\(px(frame.x(lastPoint.x) + 8))\" y=\"\(px(frame.y(lastPoint.y) + 4))\" fill=\"\(style.colour)\">\(xmlEscaped(serie.label))</text>"
            }
            legend.append((serie.label, style))
        }
        if !endLabels { s += frame.legend(legend) }
        return s + "</svg>"
    }

    /// A histogram: bars for counts in bins, with the mean marked.
    static func histogram(title: String, bins: [(low: Double, high: Double, count: Int)], mean: Double,
                          xLabel: String, yLabel: String) -> String {
        let maxCount = Double(bins.map(\.count).max() ?? 1)
        let frame = Frame(height: 260, x: (bins.first?.low ?? 0)...(bins.last?.high ?? 1), y: 0...max(maxCount, 1))
        var s = frame.open(title: title, xLabel: xLabel, yLabel: yLabel)
        for bin in bins where bin.count > 0 {
            s += "<rect x=\"\(px(frame.x(bin.low)))\" y=\"\(px(frame.y(Double(bin.count))))\" width=\"\(px(max(1, frame.x(bin.high) - frame.x(bin.low) - 1)))\" height=\"\(px(frame.y(0) - frame.y(Double(bin.count))))\" fill=\"#aab7c4\" stroke=\"#1b4f72\"/>"
        }
        s += "<line x1=\"\(px(frame.x(mean)))\" y1=\"\(px(frame.y(0)))\" x2=\"\(px(frame.x(mean)))\" y2=\"\(px(frame.y(maxCount)))\" stroke=\"black\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>"
        s += "<text x=\"\(px(frame.x(mean) + 4))\" y=\"\(px(frame.y(maxCount) + 12))\">mean \(xmlEscaped(humanNumber(mean)))</text>"
        return s + "</svg>"
    }

    /// A heat map whose cells are shaded by value and carry the value as text.
    static func heatMap(title: String, rows: [String], columns: [String], values: [[Double]], rowTitle: String,
                        columnTitle: String, format: (Double) -> String = { humanNumber($0) }) -> String {
        let cell = 96.0, labelWidth = Double((rows.map(\.count).max() ?? 4) * 7 + 30)
        let width = labelWidth + cell * Double(columns.count) + 40, height = 96 + cell * Double(rows.count) + 30
        let top = 96.0
        let maxValue = max(values.flatMap { $0 }.max() ?? 1, 1e-12)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(px(width)) \(px(height))\" width=\"\(px(width))\" height=\"\(px(height))\" role=\"img\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
        s += "<title>\(xmlEscaped(title))</title>"
        s += "<text x=\"\(px(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(xmlEscaped(title))</text>"
        s += "<text x=\"\(px(labelWidth + cell * Double(columns.count) / 2))\" y=\"42\" text-anchor=\"middle\" font-style=\"italic\">\(xmlEscaped(columnTitle))</text>"
        s += "<text transform=\"translate(14,\(px(top + cell * Double(rows.count) / 2))) rotate(-90)\" text-anchor=\"middle\" font-style=\"italic\">\(xmlEscaped(rowTitle))</text>"
        for (j, c) in columns.enumerated() {
            // Long labels go on two lines, split at the space nearest the middle.
            let x = px(labelWidth + cell * (Double(j) + 0.5))
            let lines = twoLines(c)
            for (k, line) in lines.enumerated() {
                let y = top - 8 - Double(lines.count - 1 - k) * 14
                s += "<text x=\"\(x)\" y=\"\(px(y))\" text-anchor=\"middle\">\(xmlEscaped(line))</text>"
            }
        }
        for (i, r) in rows.enumerated() {
            let y = top + cell * Double(i)
            s += "<text x=\"\(px(labelWidth - 8))\" y=\"\(px(y + cell / 2 + 4))\" text-anchor=\"end\">\(xmlEscaped(r))</text>"
            for (j, v) in values[i].enumerated() {
                let shade = Int(255 - (v / maxValue) * 170)
                let fill = String(format: "#%02x%02x%02x", shade, shade, min(255, shade + 20))
                s += "<rect x=\"\(px(labelWidth + cell * Double(j)))\" y=\"\(px(y))\" width=\"\(px(cell))\" height=\"\(px(cell))\" fill=\"\(fill)\" stroke=\"white\" stroke-width=\"2\"/>"
                s += "<text x=\"\(px(labelWidth + cell * (Double(j) + 0.5)))\" y=\"\(px(y + cell / 2 + 4))\" text-anchor=\"middle\" fill=\"\(shade < 140 ? "white" : "black")\">\(xmlEscaped(format(v)))</text>"
            }
        }
        return s + "</svg>"
    }

    static func twoLines(_ text: String) -> [String] {
        guard text.count > 12, let space = text.indices.filter({ text[$0] == " " })
            .min(by: { abs(text.distance(from: text.startIndex, to: $0) - text.count / 2) < abs(text.distance(from: text.startIndex, to: $1) - text.count / 2) })
        else { return [text] }
        return [String(text[..<space]), String(text[text.index(after: space)...])]
    }

    /// A tornado: for each parameter, a bar from the outcome's probability with the parameter
    /// lowered to its probability with the parameter raised, around the base probability; the
    /// largest swing first.
    static func tornado(title: String, items: [(label: String, low: Double, high: Double)], base: Double,
                        xLabel: String, lowLabel: String, highLabel: String) -> String {
        let lo = min(items.map { min($0.low, $0.high) }.min() ?? base, base)
        let hi = max(items.map { max($0.low, $0.high) }.max() ?? base, base)
        let pad = max((hi - lo) * 0.1, 0.005)
        let rowHeight = 24.0
        // Long parameter paths get their room; the bars keep at least 420 pixels.
        let labelWidth = min(520, Double(items.map(\.label.count).max() ?? 10) * 7 + 20)
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
            s += "<text x=\"\(px(frame.left - 8))\" y=\"\(px(yTop + h / 2 + 4))\" text-anchor=\"end\">\(xmlEscaped(item.label))</text>"
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
        let widths = keys.map { Double($0.count) * 6.5 + 34 }
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
