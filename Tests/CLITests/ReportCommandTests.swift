import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// What a report holds, read with an XML parser: every id, every SVG, and each table's cells
/// (text and exact `data-value`).
final class ReportReader: NSObject, XMLParserDelegate {
    var ids: Set<String> = []
    var svgCount = 0
    var tables: [String: [[(text: String, value: Double?)]]] = [:]
    var headers: [String: [String]] = [:]
    var dataValues: [String: Double] = [:]
    private var table: String?
    private var cell: (text: String, value: Double?)?
    private var headerCell: String?

    static func read(_ text: String) -> (reader: ReportReader, error: String?) {
        let reader = ReportReader()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = reader
        let ok = parser.parse()
        return (reader, ok ? nil : "\(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)")
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if let id = attributes["id"] {
            ids.insert(id)
            if let v = attributes["data-value"].flatMap(Double.init) { dataValues[id] = v }
        }
        switch name {
        case "svg": svgCount += 1
        case "table": table = attributes["id"]; if let table { tables[table] = [] }
        case "tr": if let table, cell == nil { tables[table]!.append([]) }
        case "td": cell = ("", attributes["data-value"].flatMap(Double.init))
        case "th": headerCell = ""
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        cell?.text += string
        headerCell? += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "th" {
            if let table, let h = headerCell { headers[table, default: []].append(h) }
            headerCell = nil
        }
        if name == "td" {
            if let table, let c = cell { tables[table]![tables[table]!.count - 1].append(c) }
            cell = nil
        }
        if name == "table" {
            if let t = table { tables[t] = tables[t]!.filter { !$0.isEmpty } }  // drop the header row
            table = nil
        }
    }

    /// The rows of a table keyed by their first cell.
    func rows(_ table: String) -> [String: [(text: String, value: Double?)]] {
        Dictionary((tables[table] ?? []).map { ($0[0].text, $0) }, uniquingKeysWith: { a, _ in a })
    }
}

/// Every `<svg>…</svg>` in a page.
func svgs(in page: String) -> [String] {
    page.components(separatedBy: "<svg ").dropFirst().map { "<svg " + $0.components(separatedBy: "</svg>")[0] + "</svg>" }
}

/// The summary CSV as metric → column → value.
func summaryTable(_ path: String) throws -> [String: [String: Double]] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = lines[0]
    var out: [String: [String: Double]] = [:]
    for f in lines.dropFirst() {
        var row: [String: Double] = [:]
        for (c, name) in header.enumerated().dropFirst() { row[name] = Double(f[c]) }
        out[f[0]] = row
    }
    return out
}

/// `escalation report`, `sweep --report` and `sensitivity`, end to end.
@Suite(.serialized)
struct ReportCommandTests {
    let flagship = "Scenarios/taji-2020.yaml"

    @Test func theReportIsWellFormedHoldsEveryChartAndMatchesTheBatchSummary() throws {
        let dir = try temporaryDirectory()
        let html = dir.appendingPathComponent("report.html").path
        let summary = dir.appendingPathComponent("summary.csv").path
        let report = try runEscalation(["report", flagship, "--runs", "400", "--seed", "7", "--out", html, "--quiet"])
        #expect(report.status == 0, "\(report.stderr)")
        let batch = try runEscalation(["batch", flagship, "--runs", "400", "--seed", "7", "--summary", summary, "--quiet"])
        #expect(batch.status == 0, "\(batch.stderr)")

        let page = try String(contentsOfFile: html, encoding: .utf8)
        let (reader, error) = ReportReader.read(page)
        #expect(error == nil, "the report does not parse as XML: \(error ?? "")")
        for id in ["chart-outcomes", "outcome-table", "chart-incidence", "incidence-table", "chart-ladder", "chart-killed-us", "chart-killed-militia",
                   "killed-table", "chart-answers", "branching-ratio", "median-run", "metric-table", "manifest", "scenario"] {
            #expect(reader.ids.contains(id), "no \(id)")
        }
        // Every chart is SVG that parses on its own, with a title and labelled axes or a key.
        let charts = svgs(in: page)
        #expect(charts.count == reader.svgCount && charts.count >= 6)
        for svg in charts {
            #expect(ReportReader.read(svg).error == nil, "\(svg.prefix(200))")
            #expect(svg.contains("<title>"))
        }
        // Self-contained: no scripts, nothing fetched.
        #expect(!page.contains("<script") && !page.contains("<link") && !page.contains("<img"))
        #expect(!page.contains("src=") && !page.contains("url("))

        // Outcome table against the summary CSV of the same batch.
        let csv = try summaryTable(summary)
        let outcomes = reader.rows("outcome-table")
        #expect(outcomes.count >= 3)
        for (name, row) in outcomes {
            let expected = try #require(csv["outcome_\(name)"], "\(name)")
            #expect(row[1].value == (expected["mean"]! * 400).rounded())
            #expect(row[2].value == expected["mean"])
            #expect(row[3].value == expected["ci95_low"])
            #expect(row[4].value == expected["ci95_high"])
        }
        // Key numbers and killed by side against it too.
        let metrics = reader.rows("metric-table")
        #expect(metrics["max_rung"] != nil && metrics["events"] != nil && metrics["us_killed"] != nil)
        for (name, row) in metrics {
            let expected = try #require(csv[name], "\(name)")
            for (c, column) in ["mean", "ci95_low", "ci95_high", "p05", "p50", "p95"].enumerated() {
                #expect(row[c + 1].value == expected[column], "\(name) \(column)")
            }
        }
        let killed = reader.rows("killed-table")
        #expect(killed["US"]?[1].value == csv["us_killed"]?["mean"])
        // The manifest says how to reproduce it.
        let manifest = reader.rows("manifest")
        #expect(manifest["master seed"]?[1].text == "7")
        #expect(manifest["runs"]?[1].value == 400)
        // The branching ratio is the spectral radius of a non-negative matrix: finite and non-negative.
        let ratio = try #require(reader.dataValues["branching-ratio"])
        #expect(ratio > 0 && ratio < 5)
    }

    @Test func aReportFromABatchCSVIsTheReportOfThatBatchAndRefusesAChangedOne() throws {
        let dir = try temporaryDirectory()
        let csv = dir.appendingPathComponent("runs.csv").path
        #expect(try runEscalation(["batch", flagship, "--runs", "150", "--seed", "3", "--out", csv, "--quiet"]).status == 0)
        let fromBatch = dir.appendingPathComponent("a.html").path, fromScenario = dir.appendingPathComponent("b.html").path
        let a = try runEscalation(["report", csv, "--out", fromBatch, "--quiet"])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(try runEscalation(["report", flagship, "--runs", "150", "--seed", "3", "--out", fromScenario, "--quiet"]).status == 0)
        // The same runs give the same page, apart from the manifest's timestamps and thread count.
        let strip = { (path: String) throws -> String in
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.components(separatedBy: "<h3>Manifest</h3>")[0]
        }
        #expect(try strip(fromBatch) == strip(fromScenario))

        // One changed count in one row: refused, and nothing written.
        var text = try String(contentsOfFile: csv, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        var fields = lines[5].components(separatedBy: ",")
        fields[5] = String(Int(fields[5])! + 1)
        lines[5] = fields.joined(separator: ",")
        text = lines.joined(separator: "\n")
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let refused = dir.appendingPathComponent("refused.html").path
        let bad = try runEscalation(["report", csv, "--out", refused, "--quiet"])
        #expect(bad.status == 65, "\(bad.stderr)")
        #expect(bad.stderr.contains("runs.csv"))
        #expect(!FileManager.default.fileExists(atPath: refused))
    }

    /// The report's table of origins holds the same parameters and values as `escalation sources`.
    /// The report's commands carry the posterior the runs drew from: with `--posterior none`, the
    /// batch it reproduces and the run it replays use the medians too, and the replayed run is the
    /// one the report tells (its seed and its number of actions).
    @Test func theReportsCommandsCarryItsPosterior() throws {
        let dir = try temporaryDirectory()
        let html = dir.appendingPathComponent("r.html").path
        let report = try runEscalation(["report", flagship, "--runs", "50", "--posterior", "none", "--out", html, "--quiet"])
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("Reproduce: escalation batch \(flagship) --runs 50 --seed 1 --posterior none;"), "reproduce")
        let replay = try #require(page.firstMatch(of: #/Replay it with: escalation run \S+ --seed (\d+) --posterior none --explain/#), "replay")
        let told = try #require(page.firstMatch(of: #/median number of actions of all runs \((\d+)\)/#))
        let run = try runEscalation(["run", flagship, "--seed", String(replay.1), "--posterior", "none", "--trace", "jsonl"])
        #expect(run.status == 0)
        #expect(run.stdout.split(separator: "\n").filter { $0.contains("\"type\":\"action\"") }.count == Int(told.1)!)
    }

    @Test func theReportSaysWhereEveryNumberComesFrom() throws {
        let dir = try temporaryDirectory()
        let html = dir.appendingPathComponent("r.html").path
        #expect(try runEscalation(["report", flagship, "--runs", "50", "--out", html, "--quiet"]).status == 0)
        let (reader, error) = ReportReader.read(try String(contentsOfFile: html, encoding: .utf8))
        #expect(error == nil)
        let rows = reader.tables["sources-table"]!
        let csv = try runEscalation(["sources", flagship, "--format", "csv"]).stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == csv.count && rows.count > 100)
        for (row, line) in zip(rows, csv) {
            let name = String(line.prefix { $0 != "," })
            let value = Double(line.dropFirst(name.count + 1).prefix { $0 != "," })!
            #expect(row[0].text.hasPrefix(name + ":"), "\(row[0].text)")
            #expect(row[1].value == value, "\(name)")
        }
        #expect(reader.ids.contains("sources"))
    }

    @Test func aSweepReportHasLinesForOneParameterAndHeatMapsForTwo() throws {
        let dir = try temporaryDirectory()
        let one = dir.appendingPathComponent("one.html").path, two = dir.appendingPathComponent("two.html").path
        let r1 = try runEscalation(["sweep", flagship, "--vary", "parameters.kh_control.value=0.2:1:0.4", "--runs", "60",
                                    "--out", dir.appendingPathComponent("one.csv").path, "--report", one, "--quiet"])
        #expect(r1.status == 0, "\(r1.stderr)")
        let page1 = try String(contentsOfFile: one, encoding: .utf8)
        let (reader1, error1) = ReportReader.read(page1)
        #expect(error1 == nil)
        #expect(reader1.ids.contains("chart-sweep"))
        #expect(reader1.tables["sweep-table"]!.count >= 3 * 2, "a row per point and outcome")
        for svg in svgs(in: page1) { #expect(ReportReader.read(svg).error == nil) }

        let r2 = try runEscalation(["sweep", flagship, "--vary", "parameters.kh_control.value=0.2:1:0.4",
                                    "--vary", "parameters.host_tolerance_start.value=0.25:0.45:0.1", "--runs", "40",
                                    "--out", dir.appendingPathComponent("two.csv").path, "--report", two, "--quiet"])
        #expect(r2.status == 0, "\(r2.stderr)")
        let page2 = try String(contentsOfFile: two, encoding: .utf8)
        let (reader2, error2) = ReportReader.read(page2)
        #expect(error2 == nil)
        #expect(reader2.ids.contains { $0.hasPrefix("chart-sweep-") })
        #expect(reader2.tables["sweep-table"]!.count >= 9)
    }

    @Test func theTornadoRanksByTheSwingAndItsReportHoldsTheChart() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("sens.csv").path, html = dir.appendingPathComponent("sens.html").path
        let result = try runEscalation(["sensitivity", flagship, "--outcome", "us_expelled", "--runs", "300",
                                        "--only", "parameters.host_tolerance_start.value", "--only", "parameters.kh_control.value",
                                        "--only", "parameters.host_tolerance_baseline.value", "--out", out, "--report", html, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(lines.count == 4)
        let header = lines[0]
        let swing = try #require(header.firstIndex(of: "swing")), path = try #require(header.firstIndex(of: "parameter"))
        // The swing is signed (raised − lowered); the ranking is by its size.
        let swings = lines.dropFirst().map { abs(Double($0[swing])!) }
        #expect(swings == swings.sorted(by: >), "ranked by the size of the swing")
        // More tolerance by the host at the start can only delay the expulsion vote.
        let tolerance = try #require(lines.first { $0[path] == "parameters.host_tolerance_start.value" })
        let pLow = Double(tolerance[header.firstIndex(of: "p_low")!])!, pHigh = Double(tolerance[header.firstIndex(of: "p_high")!])!
        #expect(pLow > pHigh)
        let (reader, error) = ReportReader.read(try String(contentsOfFile: html, encoding: .utf8))
        #expect(error == nil)
        #expect(reader.ids.contains("chart-tornado"))
        #expect(reader.tables["sensitivity-table"]?.count == 3)

        let unknown = try runEscalation(["sensitivity", flagship, "--runs", "10", "--only", "actors.kh.nonsense", "--quiet"])
        #expect(unknown.status == 64, "\(unknown.stderr)")
        #expect(unknown.stderr == "error: --only actors.kh.nonsense: no key 'nonsense' under actors.kh\n")
        let outcome = try runEscalation(["sensitivity", flagship, "--runs", "10", "--outcome", "peace", "--quiet"])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("error: --outcome peace: Scenarios/taji-2020.yaml has no such outcome; its outcomes are open_war,"))
    }
}
