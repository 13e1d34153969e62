import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// One SVG chart read with an XML parser: its width, every text with its position and the font
/// size it inherits, and every line path (`fill="none"`, drawn 2 wide) as its points.
final class ChartReader: NSObject, XMLParserDelegate {
    var width: Double?
    var texts: [(text: String, x: Double?, y: Double?, fontSize: Double?)] = []
    var lines: [[(x: Double, y: Double)]] = []
    var styled: [String] = []
    private var fontSizes: [Double?] = []
    private var text: (text: String, x: Double?, y: Double?, fontSize: Double?)?
    private var depth = 0

    static func read(_ svg: String) -> ChartReader {
        let reader = ChartReader()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reader
        #expect(parser.parse(), "\(svg.prefix(200))")
        return reader
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let inherited = fontSizes.last ?? nil
        fontSizes.append(attributes["font-size"].flatMap(Double.init) ?? inherited)
        if let style = attributes["style"], style.contains("font") { styled.append(style) }
        if name == "svg", width == nil { width = attributes["width"].flatMap(Double.init) }
        if name == "text" || name == "tspan" {
            text = ("", attributes["x"].flatMap(Double.init), attributes["y"].flatMap(Double.init), fontSizes.last ?? nil)
        }
        if name == "title" { depth += 1 }
        if name == "path", attributes["fill"] == "none", attributes["stroke-width"] == "2", let d = attributes["d"] {
            let numbers = d.split { $0 == "M" || $0 == "L" }.map { $0.split(separator: ",").compactMap { Double($0) } }
            lines.append(numbers.filter { $0.count == 2 }.map { ($0[0], $0[1]) })
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if depth == 0 { text?.text += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        fontSizes.removeLast()
        if name == "title" { depth -= 1 }
        if name == "text" || name == "tspan", let t = text {
            texts.append(t)
            text = nil
        }
    }

    /// The y axis's tick labels ("20%") and where they sit: the map from a share to a pixel row.
    func yScale() -> (Double) -> Double {
        let ticks = texts.compactMap { t -> (value: Double, y: Double)? in
            guard t.text.hasSuffix("%"), let v = Double(t.text.dropLast()), let y = t.y, t.x ?? 0 < 80 else { return nil }
            return (v / 100, y - 4)
        }.sorted { $0.value < $1.value }
        let (a, b) = (ticks.first!, ticks.last!)
        return { a.y + ($0 - a.value) / (b.value - a.value) * (b.y - a.y) }
    }
}

/// Charts of the reports: what they draw against the batch's CSV, dates on time axes, sizes that
/// a browser never scales down and text of at least 12 pixels.
@Suite(.serialized)
struct ReportChartTests {
    let flagship = "Scenarios/taji-2020.yaml"

    /// The curves of time to each outcome are the direct count from the per-run CSV: at every
    /// day d, the share of runs with that outcome and outcome_day ≤ d, in the page's table to the
    /// bit and in the chart's lines to the pixel.
    @Test func theOutcomeCurvesAreTheDirectCountFromTheCSVAtEveryDay() throws {
        let dir = try temporaryDirectory()
        let csv = dir.appendingPathComponent("runs.csv").path, html = dir.appendingPathComponent("report.html").path
        let batch = try runEscalation(["batch", flagship, "--runs", "2000", "--seed", "1", "--out", csv, "--quiet"])
        #expect(batch.status == 0, "\(batch.stderr)")
        let report = try runEscalation(["report", csv, "--out", html, "--quiet"])
        #expect(report.status == 0, "\(report.stderr)")

        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let header = lines[0]
        let outcome = try #require(header.firstIndex(of: "outcome")), day = try #require(header.firstIndex(of: "outcome_day"))
        let runs = lines.dropFirst().map { (outcome: $0[outcome], day: Double($0[day])!) }
        #expect(runs.count == 2000)

        let page = try String(contentsOfFile: html, encoding: .utf8)
        let (reader, error) = ReportReader.read(page)
        #expect(error == nil)
        let table = try #require(reader.tables["incidence-table"]), columns = try #require(reader.headers["incidence-table"])
        #expect(Array(columns.prefix(2)) == ["day", "date"])
        let outcomes = Array(columns.dropFirst(2))
        #expect(outcomes.contains("calm") && outcomes.contains("us_expelled") && !outcomes.contains("unresolved"))
        #expect(table.count == 181, "days 0 to 180")
        #expect(table[0][1].text == "11 Mar 2020" && table[21][1].text == "1 Apr 2020")
        for (d, row) in table.enumerated() {
            #expect(row[0].value == Double(d))
            for (c, name) in outcomes.enumerated() {
                let count = runs.filter { $0.outcome == name && $0.day <= Double(d) }.count
                #expect(row[c + 2].value == Double(count) / 2000, "\(name) on day \(d)")
            }
        }
        // At the horizon each curve is the outcome's probability in the outcome table.
        let probabilities = reader.rows("outcome-table")
        for (c, name) in outcomes.enumerated() { #expect(table[180][c + 2].value == probabilities[name]?[2].value) }

        // The chart draws those values: a line per outcome, a point per day.
        let svg = try #require(svgs(in: page).first { $0.contains("Runs that have ended in each outcome") })
        let chart = ChartReader.read(svg)
        #expect(chart.lines.count == outcomes.count)
        let y = chart.yScale()
        for (c, line) in chart.lines.enumerated() {
            #expect(line.count == 181)
            for (d, point) in line.enumerated() { #expect(abs(point.y - y(table[d][c + 2].value!)) < 0.02, "line \(c), day \(d)") }
        }
        // Its time axis is in dates, ticks on the first of each month, placed on their days.
        let ticks = chart.texts.filter { $0.text.hasPrefix("1 ") }
        #expect(ticks.map(\.text) == ["1 Apr", "1 May", "1 Jun", "1 Jul", "1 Aug", "1 Sep"])
        #expect(abs(ticks[0].x! - chart.lines[0][21].x) < 0.02 && abs(ticks[5].x! - chart.lines[0][174].x) < 0.02)
        #expect(chart.texts.contains { $0.text == "date (day 0 = 11 Mar 2020)" })
        #expect(page.contains("share of all runs that have ended in each outcome by each day; every run is followed to its end, so this is a direct count"))
        // The ladder's axis too.
        let ladder = ChartReader.read(try #require(svgs(in: page).first { $0.contains("Share of runs that have reached each rung") }))
        #expect(ladder.texts.contains { $0.text == "date (day 0 = 11 Mar 2020)" } && ladder.texts.contains { $0.text == "1 Jul" })
    }

    /// Every chart of a batch report and of sweep reports (one parameter; two, with 21 values
    /// across) fits the page's 860-pixel column (a pair's chart its half), so the browser never
    /// scales it down, and every text in it is at least 12 pixels. A legend sits below the plot.
    @Test func everyChartFitsItsColumnAndItsTextIsAtLeastTwelvePixels() throws {
        let dir = try temporaryDirectory()
        let batch = dir.appendingPathComponent("batch.html").path
        let one = dir.appendingPathComponent("one.html").path, two = dir.appendingPathComponent("two.html").path
        var results = [try runEscalation(["report", flagship, "--runs", "300", "--out", batch, "--quiet"])]
        results.append(try runEscalation(["sweep", flagship, "--vary", "parameters.kh_control.value=0.2:1:0.2", "--runs", "40",
                                          "--out", dir.appendingPathComponent("one.csv").path, "--report", one, "--quiet"]))
        results.append(try runEscalation(["sweep", flagship, "--vary", "parameters.host_tolerance_start.value=0.25:0.45:0.1",
                                          "--vary", "parameters.kh_control.value=0:1:0.05", "--runs", "10",
                                          "--out", dir.appendingPathComponent("two.csv").path, "--report", two, "--quiet"]))
        let compare = dir.appendingPathComponent("compare.html").path
        results.append(try runEscalation(["compare", flagship, repositoryPath("Scenarios/red-line-122.yaml"), "--runs", "200",
                                          "--report", compare, "--quiet"]))
        for r in results { #expect(r.status == 0, "\(r.stderr)") }
        var charts = 0, pairs = 0
        for path in [batch, one, two, compare] {
            let page = try String(contentsOfFile: path, encoding: .utf8)
            // The charts inside a two-column pair get half the column.
            let paired = page.components(separatedBy: "<div class=\"pair\">").dropFirst()
                .flatMap { svgs(in: $0.components(separatedBy: "</div>")[0]) }
            for svg in svgs(in: page) {
                let chart = ChartReader.read(svg)
                let title = chart.texts.first?.text ?? "?"
                let width = try #require(chart.width, "\(title): no width")
                #expect(width <= 860, "\(title): \(width) pixels wide")
                if paired.contains(svg) {
                    #expect(width <= 410, "\(title): \(width) pixels wide in a pair")
                    pairs += 1
                }
                #expect(chart.styled.isEmpty, "\(title): styles \(chart.styled)")
                for t in chart.texts { #expect((t.fontSize ?? 0) >= 12, "\(title): '\(t.text)' at \(t.fontSize ?? 0) pixels") }
                charts += 1
            }
        }
        #expect(charts >= 16 && pairs >= 4)
        // Legends below the plot: the sweep's outcome names under its x axis's title.
        let sweep = ChartReader.read(svgs(in: try String(contentsOfFile: one, encoding: .utf8))[0])
        let axisTitle = try #require(sweep.texts.first { $0.text.hasSuffix("parameters.kh_control.value") }?.y)
        for name in ["us_expelled", "calm", "unresolved"] {
            let label = try #require(sweep.texts.first { $0.text == name }, "\(name)")
            #expect(label.y! > axisTitle, "\(name)")
        }
        // The heat maps carry a key: a scale from 0%.
        let heat = ChartReader.read(try #require(svgs(in: try String(contentsOfFile: two, encoding: .utf8)).first))
        #expect(heat.texts.contains { $0.text == "0.0%" })
    }
}
