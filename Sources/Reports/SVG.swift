import Foundation

/// The width of text at 12 pixels in Helvetica or Arial, generously estimated (7 pixels a
/// character, as wide as a digit or a capital; lower case is narrower), so that laid out by it
/// text does not overlap.
func textWidth(_ text: String, fontSize: Double = 12) -> Double { Double(text.count) * 7 * fontSize / 12 }

/// A coordinate with two decimals: enough for a screen, compact in the file.
func px(_ x: Double) -> String {
    let r = (x * 100).rounded() / 100
    return r == r.rounded() ? String(Int(r)) : String(format: "%.2f", r)
}

/// Series styles that stay apart in greyscale print: a dash pattern and a marker shape for each,
/// with colour as a third cue only.
struct SeriesStyle {
    let dash: String
    let marker: String
    let colour: String

    static let all: [SeriesStyle] = [
        SeriesStyle(dash: "", marker: "circle", colour: "#1b4f72"),
        SeriesStyle(dash: "7 4", marker: "square", colour: "#a04000"),
        SeriesStyle(dash: "2 3", marker: "triangle", colour: "#196f3d"),
        SeriesStyle(dash: "9 3 2 3", marker: "diamond", colour: "#6c3483"),
        SeriesStyle(dash: "4 2", marker: "cross", colour: "#7b7d7d"),
        SeriesStyle(dash: "12 4", marker: "plus", colour: "#b7950b"),
        SeriesStyle(dash: "1 2", marker: "star", colour: "#922b21"),
        SeriesStyle(dash: "6 2 1 2 1 2", marker: "bar", colour: "#117a65"),
        SeriesStyle(dash: "3 5", marker: "ring", colour: "#2e4053"),
    ]

    static func at(_ i: Int) -> SeriesStyle { all[i % all.count] }

    func markerSVG(_ x: Double, _ y: Double) -> String {
        let s = 4.0
        switch marker {
        case "circle": return "<circle cx=\"\(px(x))\" cy=\"\(px(y))\" r=\"3.5\" fill=\"\(colour)\"/>"
        case "square": return "<rect x=\"\(px(x - s))\" y=\"\(px(y - s))\" width=\"8\" height=\"8\" fill=\"\(colour)\"/>"
        case "triangle":
            return "<path d=\"M\(px(x)),\(px(y - s - 1))L\(px(x + s)),\(px(y + s))L\(px(x - s)),\(px(y + s))Z\" fill=\"\(colour)\"/>"
        case "diamond":
            return "<path d=\"M\(px(x)),\(px(y - s - 1))L\(px(x + s + 1)),\(px(y))L\(px(x)),\(px(y + s + 1))L\(px(x - s - 1)),\(px(y))Z\" fill=\"\(colour)\"/>"
        case "cross":
            return "<path d=\"M\(px(x - s)),\(px(y - s))L\(px(x + s)),\(px(y + s))M\(px(x - s)),\(px(y + s))L\(px(x + s)),\(px(y - s))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
        case "plus":
            return "<path d=\"M\(px(x - s)),\(px(y))L\(px(x + s)),\(px(y))M\(px(x)),\(px(y - s))L\(px(x)),\(px(y + s))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
        case "ring": return "<circle cx=\"\(px(x))\" cy=\"\(px(y))\" r=\"4\" fill=\"white\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
        case "bar": return "<rect x=\"\(px(x - 1.5))\" y=\"\(px(y - s - 1))\" width=\"3\" height=\"10\" fill=\"\(colour)\"/>"
        default:
            return "<path d=\"M\(px(x)),\(px(y - 5))L\(px(x + 1.5)),\(px(y - 1.5))L\(px(x + 5)),\(px(y - 1.5))L\(px(x + 2)),\(px(y + 1))L\(px(x + 3)),\(px(y + 5))L\(px(x)),\(px(y + 2.5))L\(px(x - 3)),\(px(y + 5))L\(px(x - 2)),\(px(y + 1))L\(px(x - 5)),\(px(y - 1.5))L\(px(x - 1.5)),\(px(y - 1.5))Z\" fill=\"\(colour)\"/>"
        }
    }
}

/// Round tick values covering [low, high]: 1, 2 or 5 times a power of ten apart.
func niceTicks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
    guard high > low else { return [low] }
    let raw = (high - low) / Double(count)
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    var ticks: [Double] = []
    var t = (low / step).rounded(.up) * step
    while t <= high + step * 1e-9 {
        ticks.append(abs(t) < step * 1e-9 ? 0 : t)
        t += step
    }
    return ticks
}

/// A plot area with axes, title and labels; charts draw into it in data coordinates.
struct Frame {
    let width: Double
    let height: Double
    let left: Double, right: Double, top: Double, bottom: Double
    var xMin: Double, xMax: Double, yMin: Double, yMax: Double

    init(width: Double = 720, height: Double = 340, left: Double = 64, right: Double = 24, top: Double = 44,
         bottom: Double = 52, x: ClosedRange<Double>, y: ClosedRange<Double>) {
        self.width = width
        self.height = height
        self.left = left
        self.right = right
        self.top = top
        self.bottom = bottom
        xMin = x.lowerBound; xMax = x.upperBound; yMin = y.lowerBound; yMax = y.upperBound
    }

    func x(_ v: Double) -> Double { left + (v - xMin) / max(xMax - xMin, 1e-12) * (width - left - right) }
    func y(_ v: Double) -> Double { height - bottom - (v - yMin) / max(yMax - yMin, 1e-12) * (height - top - bottom) }

    /// The opening tag, title, axes with ticks and labels. The x label sits 42 pixels under the
    /// axis, whatever the bottom margin: a taller margin leaves room for a legend below it.
    func open(title: String, xLabel: String, yLabel: String, xFormat: (Double) -> String = { humanNumber($0) },
              yFormat: (Double) -> String = { humanNumber($0) }, xTicks: [Double]? = nil, yGrid: Bool = true) -> String {
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(px(width)) \(px(height))\" width=\"\(px(width))\" height=\"\(px(height))\" role=\"img\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
        s += "<title>\(xmlEscaped(title))</title>"
        s += "<text x=\"\(px(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(xmlEscaped(title))</text>"
        let x0 = x(xMin), x1 = x(xMax), y0 = y(yMin), y1 = y(yMax)
        for t in yGrid ? niceTicks(yMin, yMax) : [] {
            s += "<line x1=\"\(px(x0))\" y1=\"\(px(y(t)))\" x2=\"\(px(x1))\" y2=\"\(px(y(t)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(px(x0 - 6))\" y=\"\(px(y(t) + 4))\" text-anchor=\"end\">\(xmlEscaped(yFormat(t)))</text>"
        }
        // About one tick per 75 pixels, so that labels never touch.
        let tickCount = max(3, min(8, Int((x1 - x0) / 75)))
        for t in xTicks ?? niceTicks(xMin, xMax, count: tickCount) {
            s += "<line x1=\"\(px(x(t)))\" y1=\"\(px(y0))\" x2=\"\(px(x(t)))\" y2=\"\(px(y0 + 5))\" stroke=\"#333\"/>"
            s += "<text x=\"\(px(x(t)))\" y=\"\(px(y0 + 18))\" text-anchor=\"middle\">\(xmlEscaped(xFormat(t)))</text>"
        }
        s += "<line x1=\"\(px(x0))\" y1=\"\(px(y0))\" x2=\"\(px(x1))\" y2=\"\(px(y0))\" stroke=\"#333\"/>"
        s += "<line x1=\"\(px(x0))\" y1=\"\(px(y0))\" x2=\"\(px(x0))\" y2=\"\(px(y1))\" stroke=\"#333\"/>"
        s += "<text x=\"\(px((x0 + x1) / 2))\" y=\"\(px(y0 + 42))\" text-anchor=\"middle\">\(xmlEscaped(xLabel))</text>"
        s += "<text transform=\"translate(16,\(px((y0 + y1) / 2))) rotate(-90)\" text-anchor=\"middle\">\(xmlEscaped(yLabel))</text>"
        return s
    }

    /// A legend under the x label, outside the plot, entries side by side and wrapped to the
    /// chart's width. Make the frame with `bottom: 52 + Frame.legendHeight(...)` to leave it room.
    func legendBelow(_ entries: [(String, SeriesStyle)]) -> String {
        guard !entries.isEmpty else { return "" }
        var s = "<g>"
        for (k, place) in Frame.legendPlaces(entries.map(\.0), width: width - left - right).enumerated() {
            let (label, style) = entries[k]
            let x = left + place.x, ly = y(yMin) + 70 + place.y
            s += "<line x1=\"\(px(x))\" y1=\"\(px(ly - 4))\" x2=\"\(px(x + 28))\" y2=\"\(px(ly - 4))\" stroke=\"\(style.colour)\" stroke-width=\"2\" stroke-dasharray=\"\(style.dash)\"/>"
            s += style.markerSVG(x + 14, ly - 4)
            s += "<text x=\"\(px(x + 34))\" y=\"\(px(ly))\">\(xmlEscaped(label))</text>"
        }
        return s + "</g>"
    }

    /// The extra height a legend below the plot takes.
    static func legendHeight(_ labels: [String], width: Double) -> Double {
        guard !labels.isEmpty else { return 0 }
        return (legendPlaces(labels, width: width).map(\.y).max() ?? 0) + 30
    }

    /// Where each legend entry goes, relative to the legend's top left: left to right, a new
    /// row when the next entry would pass `width`.
    static func legendPlaces(_ labels: [String], width: Double) -> [(x: Double, y: Double)] {
        var places: [(x: Double, y: Double)] = []
        var x = 0.0, y = 0.0
        for label in labels {
            let w = 34 + textWidth(label) + 24
            if x > 0 && x + w - 24 > width {
                x = 0
                y += 20
            }
            places.append((x, y))
            x += w
        }
        return places
    }

    /// A legend box in the top right of the plot area, over the data: only for a chart with a
    /// corner that no series reaches (charts here put theirs below, with `legendBelow`).
    func legend(_ entries: [(String, SeriesStyle)], at corner: (x: Double, y: Double)? = nil) -> String {
        guard !entries.isEmpty else { return "" }
        let w = Double(entries.map(\.0.count).max()! * 7 + 44), h = Double(entries.count * 18 + 8)
        let x = corner?.x ?? (width - right - w - 6), y = corner?.y ?? (top + 6)
        var s = "<g><rect x=\"\(px(x))\" y=\"\(px(y))\" width=\"\(px(w))\" height=\"\(px(h))\" fill=\"white\" fill-opacity=\"0.9\" stroke=\"#999\"/>"
        for (i, (label, style)) in entries.enumerated() {
            let ly = y + 14 + Double(i) * 18
            s += "<line x1=\"\(px(x + 6))\" y1=\"\(px(ly - 4))\" x2=\"\(px(x + 30))\" y2=\"\(px(ly - 4))\" stroke=\"\(style.colour)\" stroke-width=\"2\" stroke-dasharray=\"\(style.dash)\"/>"
            s += style.markerSVG(x + 18, ly - 4)
            s += "<text x=\"\(px(x + 36))\" y=\"\(px(ly))\">\(xmlEscaped(label))</text>"
        }
        return s + "</g>"
    }
}
