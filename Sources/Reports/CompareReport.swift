import EscalationModel
import Experiments
import Foundation
import ScenarioIO

/// The report of a comparison: what B changes, both arms side by side, the paired differences
/// with their intervals, how endings moved from A to B, every metric, and how to reproduce it.
public enum CompareReport {
    public struct Arm {
        public let loaded: LoadedScenario
        public let tree: YAMLNode
        public init(loaded: LoadedScenario, tree: YAMLNode) {
            self.loaded = loaded
            self.tree = tree
        }
    }

    public static func render(a: Arm, b: Arm, result: Compare.Result, differences: [ScenarioDiff.Difference],
                              manifest: AnalysisManifest) -> String {
        let sa = a.loaded.scenario, sb = b.loaded.scenario
        let title = sa.title == sb.title && a.loaded.path == b.loaded.path ? sa.title : "\(sa.title) against \(sb.title)"
        var page = HTMLPage(title: "Comparison: \(title)")
        page.raw("<h1>\(xmlEscaped(title))</h1>")
        page.paragraph("A: \(describe(a.loaded)). B: \(describe(b.loaded)). \(result.runs) runs of each, seed \(manifest.seed): "
                       + "replication k of both arms draws from the same random stream (common random numbers), so each "
                       + "difference below is paired run by run.", className: "meta")

        page.heading("What B changes", id: "differences")
        if differences.isEmpty {
            page.paragraph("Nothing: the two arms are the same scenario, and every difference is 0.")
        } else {
            page.table(id: "diff-table", header: ["what it is", "path", "A", "B"], rows: differences.map { d in
                let label = ParameterLabel.describe(d.path, in: d.b == nil ? a.tree : b.tree) ?? ""
                return [(label, nil), (d.pathString, nil), (d.a ?? "(absent)", nil), (d.b ?? "(absent)", nil)]
            })
            page.paragraph("The merged scenarios (after extends: and every --set) compared value by value; titles, labels, "
                           + "reasons and narratives are left out.", className: "note")
        }

        page.heading("Outcomes", id: "outcomes")
        let shown = result.outcomes.filter { d in d.pairs.countA + d.pairs.countB > 0 || sa.outcomes.contains { $0.id == d.name } }
        let label = { (name: String) -> String in
            if let k = sa.outcomeNames.firstIndex(of: name) { return sa.outcomeLabel(k) }
            return sb.outcomeLabel(sb.outcomeNames.firstIndex(of: name)!)
        }
        page.figure(id: "chart-arms", svg: Chart.pairedProportions(
            title: "How runs end in each arm",
            rows: shown.map { o in
                let wa = Interval.wilson(successes: o.pairs.countA, n: o.pairs.n), wb = Interval.wilson(successes: o.pairs.countB, n: o.pairs.n)
                return (o.name, (o.pairs.probabilityA, wa.low, wa.high), (o.pairs.probabilityB, wb.low, wb.high))
            }, aName: "A: \(abbreviatedTitle(sa.title))", bName: "B: \(abbreviatedTitle(sb.title))"),
            caption: "Each outcome's probability in A (hatched) and B (solid), with separate 95% Wilson intervals. Separate intervals "
                + "may overlap where the paired difference below is clearly not 0: read the differences there.")
        page.figure(id: "chart-outcome-differences", svg: Chart.differences(
            title: "Difference in each outcome's probability, B − A", items: shown.map { o in
                let ci = o.pairs.interval()
                return (o.name, o.pairs.difference, ci.low, ci.high)
            }, xLabel: "B − A, percentage points (95% Newcombe paired intervals)", format: DifferenceText.points),
            caption: "Each dot is B's probability minus A's over the same replications; the whisker is its 95% paired interval "
                + "(Newcombe's hybrid score method for paired proportions). A filled dot: the interval excludes 0.")
        page.table(id: "outcome-differences", header: ["outcome", "A", "B", "B − A", "95% low", "95% high", "p (McNemar exact)"],
                   rows: shown.map { o in
                       let p = o.pairs, ci = p.interval()
                       return [(label(o.name), nil), (DifferenceText.percent(p.probabilityA), p.probabilityA), (DifferenceText.percent(p.probabilityB), p.probabilityB),
                               (DifferenceText.points(p.difference), p.difference), (DifferenceText.points(ci.low), ci.low), (DifferenceText.points(ci.high), ci.high),
                               (DifferenceText.pValue(p.pValue), p.pValue)]
                   }, numeric: [1, 2, 3, 4, 5, 6])

        page.heading("How endings moved", id: "transitions")
        let changed = result.changed
        page.paragraph("\(changed) of \(result.runs) runs (\(DifferenceText.percent(Double(changed) / Double(result.runs)))) end differently in B. "
                       + "Rows: the ending under A; columns: the ending of the same replication under B.")
        let used = result.outcomes.indices.filter { i in
            result.transitions[i].contains { $0 > 0 } || result.transitions.contains { $0[i] > 0 }
        }
        page.table(id: "transition-table", header: ["A \\ B"] + used.map { result.outcomes[$0].name },
                   rows: used.map { i in
                       [(result.outcomes[i].name, nil)] + used.map { j in (String(result.transitions[i][j]), Double(result.transitions[i][j])) }
                   }, numeric: Set(1...max(1, used.count)))

        page.heading("Metrics", id: "metrics")
        let metrics = result.metrics.filter { $0.pairs.n > 0 && ($0.pairs.a.maximum != $0.pairs.a.minimum || $0.pairs.b.maximum != $0.pairs.b.minimum || $0.pairs.a.mean != $0.pairs.b.mean) }
        let key = metrics.filter { m in m.name.hasSuffix("_killed") || m.name.hasSuffix("_wounded") || m.name == "max_rung" || m.name == "events" }
        if !key.isEmpty {
            page.figure(id: "chart-metric-differences", svg: Chart.differences(
                title: "Difference in mean per run, B − A", items: key.map { m in
                    let ci = m.pairs.interval()
                    return (m.name, m.pairs.difference, ci.low, ci.high)
                }, xLabel: "B − A (95% paired t intervals)", format: { DifferenceText.signed($0) }),
                caption: "Each dot is the mean over replications of B's value minus A's; the whisker is the 95% paired t interval.")
        }
        page.table(id: "metric-differences", header: ["metric", "A mean", "B mean", "B − A", "95% low", "95% high", "p (paired t)", "pairs"],
                   rows: metrics.map { m in
                       let p = m.pairs, ci = p.interval()
                       return [(m.name, nil), (humanNumber(p.a.mean), p.a.mean), (humanNumber(p.b.mean), p.b.mean),
                               (DifferenceText.signed(p.difference), p.difference), (DifferenceText.signed(ci.low), ci.low), (DifferenceText.signed(ci.high), ci.high),
                               (DifferenceText.pValue(p.pValue), p.pValue), (String(p.n), Double(p.n))]
                   }, numeric: [1, 2, 3, 4, 5, 6, 7])
        if metrics.contains(where: { $0.pairs.skipped > 0 }) {
            page.paragraph("Pairs where either value is ∞ (an observed action that had not come by the end of its window) are "
                           + "left out of that metric's difference; the pairs column counts those used.", className: "note")
        }
        if !result.unpairedColumns.isEmpty {
            page.paragraph("Only one arm has: " + result.unpairedColumns.joined(separator: ", ") + " (not compared).", className: "note")
        }

        page.heading("Reproduce", id: "reproduce")
        page.paragraph("Reproduce: \(manifest.reproduce)", className: "note")
        page.paragraph("Each arm alone: escalation batch <scenario> --runs \(result.runs) --seed \(manifest.seed) with the same "
                       + "--set options gives that arm's runs exactly.", className: "note")
        var manifestRows: [[(text: String, value: Double?)]] = []
        for s in manifest.scenarios {
            var text = "\(s.scenario) (SHA-256 \(s.scenarioHash.prefix(16))…)"
            if !s.overrides.isEmpty { text += "; --set " + s.overrides.joined(separator: ", ") }
            if let posterior = s.posterior { text += "; posterior " + posterior }
            manifestRows.append([("\(s.role.uppercased()) scenario", nil), (text, nil)])
        }
        manifestRows.append([("master seed", nil), (manifest.seed, nil)])
        manifestRows.append([("runs of each arm", nil), (String(manifest.runs), Double(manifest.runs))])
        manifestRows.append([("program", nil), ("escalation \(manifest.version)", nil)])
        page.table(id: "manifest", header: ["field", "value"], rows: manifestRows)
        return page.render()
    }

    static func describe(_ loaded: LoadedScenario) -> String {
        "\(loaded.scenario.title) (\(loaded.path)" + (loaded.overrides.isEmpty ? "" : ", --set " + loaded.overrides.map(\.description).joined(separator: ", ")) + ")"
    }

    static func abbreviatedTitle(_ s: String) -> String { s.count <= 40 ? s : String(s.prefix(39)) + "…" }
}
