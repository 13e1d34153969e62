import EscalationModel
import Experiments
import Foundation

/// The report of a batch: outcome probabilities, their cumulative incidence by day, the ladder over time,
/// casualties, who answers whom, a typical run as a timeline, the key numbers, and the scenario
/// and manifest that make it reproducible.
public enum BatchReport {
    public static func render(_ data: ReportData, extraSections: String = "") -> String {
        let s = data.scenario, summary = data.summary, m = data.manifest
        var page = HTMLPage(title: "\(s.title): \(summary.n) runs")
        page.raw("<h1>\(xmlEscaped(s.title))</h1>")
        if !s.summary.isEmpty { page.paragraph(s.summary) }
        let start = s.start.map { "from \($0.long), " } ?? ""
        page.paragraph("\(summary.n) runs, \(start)\(humanNumber(s.horizon)) days each; seed \(m.seed)"
                       + (m.shard.count > 1 ? ", shard \(m.shard.index)/\(m.shard.count)" : "")
                       + "; escalation \(m.version).", className: "meta")
        if data.rateExceeded {
            let which = data.rateCountDescription
            page.raw("<p id=\"rate-warning\" class=\"warning\"><strong>A state-dependent rate went above its max_rate</strong> in "
                     + xmlEscaped(which) + ": thinning drew too few of its events in those runs, so the figures below undercount "
                     + "them. Raise <code>max_rate</code>" + (data.rateExcess.isEmpty ? "" : " by at least that factor")
                     + " (write it from the rate's own parameters) and run again.</p>")
        }

        // Outcomes
        page.heading("Outcomes", id: "outcomes")
        var items: [(label: String, value: Double, low: Double, high: Double)] = []
        var rows: [[(text: String, value: Double?)]] = []
        for k in s.outcomeNames.indices where k < s.outcomes.count || summary.outcomeCounts[k] > 0 {
            let p = summary.probability(ofOutcome: k)
            let (low, high) = Interval.wilson(successes: summary.outcomeCounts[k], n: summary.n)
            items.append((s.outcomeLabel(k), p, low, high))
            rows.append([(s.outcomeNames[k], nil), (String(summary.outcomeCounts[k]), Double(summary.outcomeCounts[k])),
                         (percent(p), p), (percent(low), low), (percent(high), high)])
        }
        page.figure(id: "chart-outcomes", svg: Chart.proportions(title: "How runs end", items: items,
                                                                   xLabel: "share of runs (whiskers: 95% Wilson intervals)"),
                    caption: "The share of runs that ended in each outcome (bars, with the value printed) and its 95% Wilson interval (whiskers).")
        page.table(id: "outcome-table", header: ["outcome", "runs", "probability", "95% low", "95% high"], rows: rows,
                   numeric: [1, 2, 3, 4])

        // Time to each outcome: cumulative incidence, at whole days so the drawing stays small
        // for any number of runs; the exact daily values follow in a table.
        page.heading("Time to each outcome", id: "outcome-times")
        let byDay = data.incidenceByDay()
        let ended = s.outcomeNames.indices.filter { summary.outcomeCounts[$0] > 0 && $0 != s.unresolvedOutcome }
        let dayRange = 0...Double(data.days - 1)
        if ended.isEmpty {
            page.paragraph("No run reached an outcome before the horizon.")
        } else {
            let top = min(1, ((ended.map { byDay[$0].last ?? 0 }.max() ?? 1) * 10).rounded(.up) / 10)
            let axis = DateAxis(start: s.start, days: dayRange, plotWidth: 632)
            let series = ended.map { k in
                (label: s.outcomeLabel(k), points: (0..<data.days).map { (x: Double($0), y: byDay[k][$0]) },
                 band: nil as [(low: Double, high: Double)]?)
            }
            page.figure(id: "chart-incidence", svg: Chart.lines(
                title: "Runs that have ended in each outcome", series: series, x: dayRange, y: 0...max(top, 0.1),
                xLabel: axis.title(), yLabel: "share of all runs", yFormat: { "\(Int(($0 * 100).rounded()))%" },
                markersEvery: max(1, data.days / 8), xTicks: axis.ticks, xFormat: axis.label),
                caption: "The share of all runs that have ended in each outcome by each day; every run is followed to its end, "
                    + "so this is a direct count (the cumulative incidence of each outcome, the others competing). At the horizon "
                    + "each curve reaches its outcome's probability; the runs still unresolved then are not drawn. "
                    + "The daily values are in the table below.")
            page.raw("<details id=\"incidence-values\"><summary>The daily values: the share of all runs ended in each outcome "
                     + "by day d, at a time ≤ d (by 0:00 on the date shown)</summary>")
            let dated = s.start != nil, firstOutcome = dated ? 2 : 1
            var dailyRows: [[(text: String, value: Double?)]] = []
            for d in 0..<data.days {
                var row: [(text: String, value: Double?)] = [(String(d), Double(d))]
                if dated { row.append((s.when(Double(d)), nil)) }
                for k in ended { row.append((percent(byDay[k][d]), byDay[k][d])) }
                dailyRows.append(row)
            }
            page.table(id: "incidence-table", header: ["day"] + (dated ? ["date"] : []) + ended.map { s.outcomeNames[$0] },
                       rows: dailyRows, numeric: Set([0] + Array(firstOutcome..<firstOutcome + ended.count)))
            page.raw("</details>")
        }

        // Ladder over time: one line per rung, rungs whose curves coincide drawn once. It needs
        // the runs' traces, so it is drawn from the sample (all runs of a small batch).
        page.heading("How fast crises climb", id: "ladder")
        let sampled = data.sample.runs.count
        let fromSample = data.sample.isWhole ? "" : " Drawn from \(data.sample.description), re-simulated with their traces "
            + "(one in each of \(ReportSample.grouped(sampled)) equal stretches of the batch): each share is within about "
            + String(format: "%.1f", 196 * 0.5 / Double(sampled).squareRoot()) + " percentage points of the whole batch's (95%)."
        var groups: [(rungs: [Int], counts: [Int])] = []
        for r in 1...Ladder.top where data.ladder[r].last ?? 0 > 0 {
            if let last = groups.last, last.counts == data.ladder[r] {
                groups[groups.count - 1].rungs.append(r)
            } else {
                groups.append(([r], data.ladder[r]))
            }
        }
        let ladderSeries = groups.map { g in
            (label: g.rungs.count == 1 ? "rung \(g.rungs[0])+" : "rungs \(g.rungs.first!)–\(g.rungs.last!)+",
             points: (0..<data.days).map { (x: Double($0), y: Double(g.counts[$0]) / Double(sampled)) },
             band: nil as [(low: Double, high: Double)]?)
        }
        let rungKey = groups.flatMap(\.rungs).map { "\($0) \(s.rungNames[$0])" }.joined(separator: "; ")
        let ladderAxis = DateAxis(start: s.start, days: dayRange, plotWidth: 560)
        page.figure(id: "chart-ladder", svg: Chart.lines(title: "Share of runs that have reached each rung",
                                                          series: ladderSeries, x: dayRange, y: 0...1,
                                                          xLabel: ladderAxis.title(), yLabel: "share of runs at or above the rung",
                                                          yFormat: { "\(Int(($0 * 100).rounded()))%" }, markersEvery: max(1, data.days / 8),
                                                          endLabels: true, xTicks: ladderAxis.ticks, xFormat: ladderAxis.label),
                    caption: "For each rung some run reached (from 1 up), the share of all runs whose highest rung by each day is at or "
                        + "above it; a run that has ended keeps its highest rung. Rungs whose curves coincide share a line. "
                        + "Rungs: \(rungKey)." + fromSample)

        // Casualties: two histograms a row, each sized for its half of the page's column.
        page.heading("Killed, by side", id: "casualties")
        page.raw("<div class=\"pair\">")
        var caseRows: [[(text: String, value: Double?)]] = []
        for side in s.sides {
            guard let metric = summary.metric(named: side.id + "_killed"), metric.maximum > 0 else { continue }
            let bins = histogramBins(metric)
            let binWidth = bins.count > 0 ? bins[0].high - bins[0].low : 1
            page.figure(id: "chart-killed-\(side.id)", svg: Chart.histogram(
                title: "\(side.name.capitalizedFirst) killed per run", bins: bins,
                mean: metric.mean, xLabel: "\(side.name) killed in a run (people)", yLabel: "runs", width: Chart.halfWidth),
                caption: "Runs by the number of \(side.name) killed"
                    + (binWidth == 1 ? " (a bar for each number)" : " (each bar \(humanNumber(binWidth)) numbers wide, from its left edge)")
                    + "; dashed line: the mean.")
            let (low, high) = Interval.mean(metric.mean, sd: metric.sd, n: metric.n)
            caseRows.append([(side.name, nil), (humanNumber(metric.mean), metric.mean), ("\(humanNumber(low)) – \(humanNumber(high))", nil),
                             (humanNumber(metric.quantile(0.05)), metric.quantile(0.05)), (humanNumber(metric.quantile(0.5)), metric.quantile(0.5)),
                             (humanNumber(metric.quantile(0.95)), metric.quantile(0.95)), (humanNumber(metric.maximum), metric.maximum)])
        }
        page.raw("</div>")
        page.table(id: "killed-table", header: ["killed", "mean", "95% interval of the mean", "p05", "p50", "p95", "max"],
                   rows: caseRows, numeric: [1, 2, 3, 4, 5, 6])

        // Answer matrix
        page.heading("Who answers whom", id: "answers")
        let names = s.actors.map(\.name)
        page.figure(id: "chart-answers", svg: Chart.heatMap(
            title: "Direct responses per action", rows: names, columns: names, values: data.answerMatrix,
            rowTitle: "responding actor", columnTitle: "actor whose action drew the response",
            format: { String(format: "%.2f", $0) }),
            caption: "Each cell: the actions by the row's actor that one action of the column's actor caused directly (answered or set off), on average over \(data.sample.isWhole ? "the batch" : data.sample.description + ", re-simulated with their traces (the sample of the ladder's chart)"); darker is more (the key gives the scale). The spectral radius of this matrix, the branching ratio, is \(String(format: "%.3f", data.branchingRatio)): below 1, cycles of answers die out on average.")
        page.raw("<p id=\"branching-ratio\" data-value=\"\(exactNumber(data.branchingRatio))\">Branching ratio (spectral radius of the matrix): <strong>\(String(format: "%.3f", data.branchingRatio))</strong>.</p>")

        // A typical run
        page.heading("A typical run", id: "timeline")
        let (result, trace) = data.median
        // The posterior the runs drew from (or `none`, the medians): a command without it would
        // draw from the scenario's own.
        let posterior = m.posterior.map { ["--posterior", $0] } ?? []
        page.paragraph("The first run with the median number of actions of all runs (\(result.actions)), seed \(result.seed), told day by day. "
                       + "Replay it with: " + shellQuoted(["escalation", "run", m.scenario, "--seed", String(result.seed)]
                                                          + m.overrides.flatMap { ["--set", $0] } + posterior + ["--explain"]), className: "note")
        page.raw(timeline(s, result: result, trace: trace))

        // Key numbers
        page.heading("Key numbers", id: "numbers")
        var metricRows: [[(text: String, value: Double?)]] = []
        for (name, metric) in zip(summary.metricNames, summary.metrics) where metric.n > 0 && (metric.maximum > 0 || name == "max_rung") {
            guard !name.hasPrefix("count_") && !name.hasPrefix("final_") else { continue }
            let (low, high) = Interval.mean(metric.mean, sd: metric.sd, n: metric.n)
            metricRows.append([(name, nil), (humanNumber(metric.mean), metric.mean), (humanNumber(low), low), (humanNumber(high), high),
                               (humanNumber(metric.quantile(0.05)), metric.quantile(0.05)), (humanNumber(metric.quantile(0.5)), metric.quantile(0.5)),
                               (humanNumber(metric.quantile(0.95)), metric.quantile(0.95))])
        }
        page.table(id: "metric-table", header: ["metric", "mean", "95% low", "95% high", "p05", "p50", "p95"], rows: metricRows,
                   numeric: [1, 2, 3, 4, 5, 6])
        if summary.metrics.contains(where: { $0.n > 0 && !$0.mean.isFinite }) {
            page.paragraph("∞: the observed action had not happened by the end of the observation's window in some runs; "
                           + "a mean over such runs is not defined (—), the quantiles still are.", className: "note")
        }

        page.raw(extraSections)

        // Scenario and manifest
        page.heading("Scenario and reproducibility", id: "scenario")
        page.raw(ScenarioTables.render(s))
        page.heading("Manifest", level: 3)
        page.table(id: "manifest", header: ["field", "value"], rows: [
            [("scenario", nil), (m.scenario, nil)], [("scenario content hash (SHA-256)", nil), (m.scenarioHash, nil)],
            [("overrides", nil), (m.overrides.isEmpty ? "none" : m.overrides.joined(separator: "; "), nil)],
            [("master seed", nil), (m.seed, nil)], [("runs", nil), (String(m.runs), Double(m.runs))],
            [("shard", nil), ("\(m.shard.index)/\(m.shard.count) (runs \(m.shard.first)..<\(m.shard.end))", nil)],
            [("program", nil), ("escalation \(m.version)", nil)],
            [("math library fingerprint", nil), (m.math ?? "not recorded", nil)],
        ])
        // What was checked, with the CSV's hash for a reader to match against the file they hold.
        page.raw("<p id=\"checked\" data-sha256=\"\(data.check.csvSHA256)\" data-resimulated=\"\(data.sample.runs.count)\">"
                 + "<strong>Checked:</strong> \(xmlEscaped(data.check.text))</p>")
        // A shard's rows are its replications of the whole batch: `--shard I/N` makes them again.
        let shard = m.shard.count > 1 ? ["--shard", "\(m.shard.index)/\(m.shard.count)"] : []
        page.paragraph("Reproduce: " + shellQuoted(["escalation", "batch", m.scenario, "--runs", String(m.runs), "--seed", m.seed]
                                                   + shard + m.overrides.flatMap { ["--set", $0] } + posterior)
                       + "; the same bytes on any number of threads"
                       + (m.math == nil ? "." : ", on a machine whose math library has the fingerprint above."), className: "note")
        return page.render()
    }

    static func percent(_ p: Double) -> String { String(format: "%.1f%%", 100 * p) }

    /// Bins of whole numbers: one per value (centred on it) when there are few, else about 30
    /// of equal width.
    static func histogramBins(_ metric: Metric) -> [(low: Double, high: Double, count: Int)] {
        let low = metric.minimum.rounded(.down), high = metric.maximum.rounded(.down)
        let width = max(1, ((high - low + 1) / 30).rounded(.up))
        let shift = width == 1 ? 0.5 : 0
        return stride(from: low, through: high, by: width).map { a in
            (a - shift, a + width - shift, metric.count(from: a, below: a + width))
        }
    }

    static func timeline(_ s: Scenario, result: RunResult, trace: Trace) -> String {
        var out = "<ol class=\"timeline\" id=\"median-run\">"
        for entry in trace.entries {
            let when = s.when(entry.time)
            switch entry.kind {
            case .action(_, let a, _, let intercepted, let casualties, _):
                let action = s.actions[a]
                var text = action.narrative
                if intercepted { text += ": intercepted by air defence" } else if let c = s.casualtyText(casualties) { text += ": " + c }
                out += "<li><span class=\"date\">\(xmlEscaped(when))</span><span class=\"rung\">rung \(action.rung)</span> \(xmlEscaped(text))</li>"
            case .intervention(let i):
                let note = s.interventions[i].note ?? "intervention \(s.interventions[i].id)"
                if s.interventions[i].effects.isEmpty && s.interventions[i].policySwitches.isEmpty
                    && s.interventions[i].startProcesses.isEmpty && s.interventions[i].stopProcesses.isEmpty { continue }
                out += "<li><span class=\"date\">\(xmlEscaped(when))</span><em>\(xmlEscaped(note))</em></li>"
            case .outcome(let o):
                out += "<li><span class=\"date\">\(xmlEscaped(when))</span><strong>Outcome: \(xmlEscaped(s.outcomeLabel(o)))</strong></li>"
            }
        }
        return out + "</ol>"
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
