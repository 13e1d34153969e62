import Foundation

extension Chart {
    /// A heat map whose cells are shaded by value and carry the value as text, with a colour key:
    /// a bar shaded from 0 (white) to the map's largest value (the darkest), with its scale. It
    /// fits `maxWidth` (the page's column): cells narrow as columns are added, a value that no
    /// longer fits its cell is left to the table beside the map (then all are), and column labels
    /// too wide for their cells are turned by 45°.
    static func heatMap(title: String, rows: [String], columns: [String], values: [[Double]], rowTitle: String,
                        columnTitle: String, format: (Double) -> String = { humanNumber($0) }, maxWidth: Double = 860) -> String {
        let maxValue = max(values.flatMap { $0 }.max() ?? 0, 0)
        var keyTicks = maxValue > 0 ? niceTicks(0, maxValue, count: 4) : [0]
        let keyWidth = 14 + 8 + (keyTicks.map { textWidth(format($0)) }.max() ?? 10) + 12
        let labelWidth = (rows.map { textWidth($0) }.max() ?? 28) + 36
        let cell = min(96, ((maxWidth - labelWidth - 24 - keyWidth) / Double(max(1, columns.count))).rounded(.down))
        let labelLines = columns.map(twoLines)
        let turned = labelLines.flatMap { $0 }.contains { textWidth($0) > cell - 6 }
        // Rows as tall as the cells are wide while they are few; many share about 560 pixels.
        let rowHeight = min(cell, max(30, (560 / Double(max(1, rows.count))).rounded(.down)))
        let gridWidth = cell * Double(columns.count), gridHeight = rowHeight * Double(rows.count)
        // The rows' title runs up beside them if it fits there, else on a line of its own above.
        let rowTitleAbove = textWidth(rowTitle) > gridHeight + 16
        let top = (turned ? 62 + (columns.map { textWidth($0) }.max() ?? 0) * 0.71 : 96.0) + (rowTitleAbove ? 18 : 0)
        // Values in the cells only if every one fits: a map with some cells blank would read as zeros.
        let showValues = values.flatMap { $0 }.allSatisfy { textWidth(format($0)) <= cell - 4 }
        let keyHeight = min(gridHeight, 240.0)
        if let last = keyTicks.last, maxValue > 0, (maxValue - last) / maxValue * keyHeight >= 24 { keyTicks.append(maxValue) }
        let width = labelWidth + gridWidth + 24 + keyWidth, height = top + gridHeight + 30

        func shade(_ v: Double) -> Int { maxValue > 0 ? Int(255 - (v / maxValue) * 170) : 255 }
        func fill(_ shade: Int) -> String { String(format: "#%02x%02x%02x", shade, shade, min(255, shade + 20)) }

        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(px(width)) \(px(height))\" width=\"\(px(width))\" height=\"\(px(height))\" role=\"img\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
        s += "<title>\(xmlEscaped(title))</title>"
        s += "<text x=\"\(px(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(xmlEscaped(title))</text>"
        s += "<text x=\"\(px(labelWidth + gridWidth / 2))\" y=\"42\" text-anchor=\"middle\" font-style=\"italic\">\(xmlEscaped(columnTitle))</text>"
        if rowTitleAbove {
            s += "<text x=\"8\" y=\"60\" font-style=\"italic\">rows: \(xmlEscaped(rowTitle))</text>"
        } else {
            s += "<text transform=\"translate(14,\(px(top + gridHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-style=\"italic\">\(xmlEscaped(rowTitle))</text>"
        }
        for (j, c) in columns.enumerated() {
            let x = labelWidth + cell * (Double(j) + 0.5)
            if turned {
                s += "<text transform=\"translate(\(px(x - 4)),\(px(top - 8))) rotate(-45)\">\(xmlEscaped(c))</text>"
                continue
            }
            // Long labels go on two lines, split at the space nearest the middle.
            for (k, line) in labelLines[j].enumerated() {
                let y = top - 8 - Double(labelLines[j].count - 1 - k) * 14
                s += "<text x=\"\(px(x))\" y=\"\(px(y))\" text-anchor=\"middle\">\(xmlEscaped(line))</text>"
            }
        }
        for (i, r) in rows.enumerated() {
            let y = top + rowHeight * Double(i)
            s += "<text x=\"\(px(labelWidth - 8))\" y=\"\(px(y + rowHeight / 2 + 4))\" text-anchor=\"end\">\(xmlEscaped(r))</text>"
            for (j, v) in values[i].enumerated() {
                let shade = shade(v)
                s += "<rect x=\"\(px(labelWidth + cell * Double(j)))\" y=\"\(px(y))\" width=\"\(px(cell))\" height=\"\(px(rowHeight))\" fill=\"\(fill(shade))\" stroke=\"white\" stroke-width=\"2\"/>"
                if showValues {
                    s += "<text x=\"\(px(labelWidth + cell * (Double(j) + 0.5)))\" y=\"\(px(y + rowHeight / 2 + 4))\" text-anchor=\"middle\" fill=\"\(shade < 140 ? "white" : "black")\">\(xmlEscaped(format(v)))</text>"
                }
            }
        }
        // The key: 48 slices from the largest value (top) to 0 (bottom), as the cells are shaded.
        let keyX = labelWidth + gridWidth + 24, slices = 48
        for k in 0..<slices {
            let v = maxValue * (Double(slices - 1 - k) + 0.5) / Double(slices)
            s += "<rect x=\"\(px(keyX))\" y=\"\(px(top + keyHeight * Double(k) / Double(slices)))\" width=\"14\" height=\"\(px(keyHeight / Double(slices) + 0.5))\" fill=\"\(fill(shade(v)))\"/>"
        }
        s += "<rect x=\"\(px(keyX))\" y=\"\(px(top))\" width=\"14\" height=\"\(px(keyHeight))\" fill=\"none\" stroke=\"#999\"/>"
        for t in keyTicks {
            let y = top + keyHeight * (maxValue > 0 ? 1 - t / maxValue : 1)
            s += "<line x1=\"\(px(keyX + 14))\" y1=\"\(px(y))\" x2=\"\(px(keyX + 18))\" y2=\"\(px(y))\" stroke=\"#333\"/>"
            s += "<text x=\"\(px(keyX + 21))\" y=\"\(px(y + 4))\">\(xmlEscaped(format(t)))</text>"
        }
        return s + "</svg>"
    }

    static func twoLines(_ text: String) -> [String] {
        guard text.count > 12, let space = text.indices.filter({ text[$0] == " " })
            .min(by: { abs(text.distance(from: text.startIndex, to: $0) - text.count / 2) < abs(text.distance(from: text.startIndex, to: $1) - text.count / 2) })
        else { return [text] }
        return [String(text[..<space]), String(text[text.index(after: space)...])]
    }
}
