import EscalationModel
import Foundation
import Record
import ScenarioIO
import Stochastics

/// Where every number of a scenario comes from: each parameter with its origin (the record rows
/// it is derived from, its calibration, or the assumption and its range), the numbers taken
/// straight from the record, the documented observations, and any number with no origin.
public struct SourcesTable {
    public struct Entry {
        public let name: String
        /// The value as shown, with its unit.
        public let value: String
        public let number: Double
        public let unit: String
        /// The documented range, the assumption's range, or the 90% posterior (or prior) interval.
        public let low: Double?
        public let high: Double?
        public let origin: String
        public let detail: String
        public let label: String
        public let uses: [String]
    }

    public let loaded: LoadedScenario
    public let entries: [Entry]

    public init(_ loaded: LoadedScenario) {
        self.loaded = loaded
        let posterior = loaded.scenario.parameters.posterior
        entries = loaded.parameters.map { p in
            let value = humanNumber(p.value, digits: 4) + (p.unit.map { " " + $0 } ?? "")
            let origin: String, detail: String
            var low: Double?, high: Double?
            switch p.origin {
            case .derived(let formula, let documented, let rows):
                origin = "record"
                (low, high) = (documented.low, documented.high)
                let shown = documented.isExact ? humanNumber(documented.low, digits: 4) : documented.words
                detail = "\(formula) = \(shown)" + SourcesTable.citations(rows, loaded.catalog)
            case .assumption(let a, let b):
                origin = "assumption"
                (low, high) = (a, b)
                detail = "plausible from \(humanNumber(a, digits: 4)) to \(humanNumber(b, digits: 4))" + (p.why.map { ": " + $0 } ?? "")
            case .calibrated(let prior, let slot):
                origin = "calibrated"
                var text = "prior \(prior)"
                (low, high) = posterior.map { ($0.quantile(slot, 0.05), $0.quantile(slot, 0.95)) } ?? (prior.quantile(0.05), prior.quantile(0.95))
                if let posterior {
                    text += "; posterior median \(humanNumber(posterior.quantile(slot, 0.5), digits: 3)), 90% interval "
                        + "\(humanNumber(posterior.quantile(slot, 0.05), digits: 3)) to \(humanNumber(posterior.quantile(slot, 0.95), digits: 3))"
                    if case .draws(let path, _) = loaded.posterior { text += " (\((path as NSString).lastPathComponent))" }
                } else {
                    switch loaded.posterior {
                    case .medians(let path): text += "; the posterior median of \((path as NSString).lastPathComponent)"
                    case .priorMedians(let missing):
                        text += "; NOT CALIBRATED YET: the prior median" + (missing.map { " (no \(($0 as NSString).lastPathComponent))" } ?? "")
                    default: break
                    }
                }
                detail = text + (p.why.map { ". " + $0 } ?? "")
            case .pinned(let prior):
                origin = "pinned"
                detail = "calibrated (prior \(prior)) but fixed here at \(humanNumber(p.value, digits: 4))"
            case .unlabelled:
                origin = "NONE"
                detail = "no origin: give it a record formula, an assumption range with why:, or a prior"
            }
            return Entry(name: p.id, value: value, number: p.value, unit: p.unit ?? "", low: low, high: high, origin: origin,
                         detail: detail, label: p.label ?? "", uses: p.uses)
        }
    }

    /// ` [outlet, date; ...]` for the rows a formula reads.
    static func citations(_ references: [String], _ catalog: Catalog?) -> String {
        guard let catalog else { return "" }
        var ids: [String] = []
        for r in references {
            let id = String(r.dropFirst().prefix { $0 != "." })
            for s in catalog.incident(id)?.sources ?? [] where !ids.contains(s) { ids.append(s) }
        }
        let cited = ids.compactMap { catalog.source($0) }.map { "\($0.outlet.split(separator: ",").first ?? ""), \($0.date)" }
        return cited.isEmpty ? "" : " [" + cited.joined(separator: "; ") + "]"
    }

    public var counts: (derived: Int, calibrated: Int, assumed: Int, unlabelled: Int) {
        (entries.filter { $0.origin == "record" }.count, entries.filter { $0.origin == "calibrated" || $0.origin == "pinned" }.count,
         entries.filter { $0.origin == "assumption" }.count, entries.filter { $0.origin == "NONE" }.count)
    }

    /// For a terminal: no line wider than `width`, long ones continued on indented lines.
    public func text(width: Int = TerminalText.width) -> String {
        TerminalText.fitting(lines(), width: width)
    }

    func lines() -> String {
        let s = loaded.scenario
        var out = "Where the numbers of \(s.title) come from (\(loaded.path))\n"
        if let record = loaded.recordPath { out += "Record: \(record) (\(loaded.catalog?.incidents.count ?? 0) rows)\n" }
        switch loaded.posterior {
        case .draws(let path, let hash): out += "Calibrated parameters: drawn per replication from \(path) (sha256 \(hash.prefix(12)))\n"
        case .medians(let path): out += "Calibrated parameters: posterior medians of \(path)\n"
        case .priorMedians(let missing): out += "Calibrated parameters: NOT CALIBRATED YET, prior medians" + (missing.map { " (\($0) is missing)" } ?? "") + "\n"
        case .notCalibrated: break
        }
        let c = counts
        out += "\(entries.count) parameters: \(c.derived) from the record, \(c.calibrated) calibrated, \(c.assumed) assumptions, "
            + "\(c.unlabelled) without an origin\n\n"
        let nameWidth = min(34, entries.map(\.name.count).max() ?? 0)
        let valueWidth = min(16, entries.map(\.value.count).max() ?? 0)
        for e in entries {
            out += e.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                + e.value.padding(toLength: valueWidth, withPad: " ", startingAt: 0) + "  " + e.origin + "\n"
            if !e.label.isEmpty { out += "    " + e.label + "\n" }
            out += "    " + e.detail + "\n"
            out += "    used at: " + (e.uses.isEmpty ? "nowhere" : e.uses.joined(separator: ", ")) + "\n"
        }
        if !loaded.recordUses.isEmpty {
            out += "\nNumbers taken straight from the record:\n"
            for u in loaded.recordUses {
                out += "  \(u.path): \(u.formula) = \(u.value.isNaN ? "(expression)" : humanNumber(u.value, digits: 4))\n"
            }
        }
        let documented = s.observations.filter { $0.documentedRange != nil }
        if !documented.isEmpty {
            out += "\nDocumented observations (what calibrate, backtest and hindcast compare with):\n"
            for o in documented {
                out += "  \(o.id): \(SourcesTable.range(o.documentedRange!)), \(o.label)" + (o.source.map { " — " + $0 } ?? "") + "\n"
            }
        }
        out += "\n"
        if loaded.unlabelled.isEmpty {
            out += "Every number has an origin.\n"
        } else {
            out += "\(loaded.unlabelled.count) number\(loaded.unlabelled.count == 1 ? " has" : "s have") no origin:\n"
            for d in loaded.unlabelled { out += "  \(d)\n" }
        }
        return out
    }

    static func range(_ r: ClosedRange<Double>) -> String {
        if r.upperBound == .infinity { return "at least \(humanNumber(r.lowerBound))" }
        if r.lowerBound == r.upperBound { return humanNumber(r.lowerBound) }
        return "\(humanNumber(r.lowerBound)) to \(humanNumber(r.upperBound))"
    }

    /// One row a parameter, for programs: the value as a number; `low` and `high` are the
    /// documented range, the assumption's range, or the 90% interval of the posterior (of the
    /// prior, before calibration).
    public func csv() -> String {
        var out = "parameter,value,unit,origin,low,high,detail,label,used_at\n"
        func number(_ x: Double?) -> String { x.map { $0.isFinite ? "\($0)" : "inf" } ?? "" }
        for e in entries {
            out += [e.name, number(e.number), e.unit, e.origin, number(e.low), number(e.high), e.detail, e.label,
                    e.uses.joined(separator: ";")].map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    /// A section of an HTML report.
    public func html() -> String {
        var page = HTMLPage(title: "")
        page.heading("Where the numbers come from", id: "sources")
        let c = counts
        page.paragraph("\(entries.count) parameters: \(c.derived) computed from rows of the record, \(c.calibrated) calibrated to it by "
                       + "simulation, \(c.assumed) assumptions with a plausible range"
                       + (c.unlabelled > 0 ? ", and \(c.unlabelled) with no origin." : ".")
                       + (loaded.unlabelled.isEmpty ? " Every number of the scenario has an origin." :
                            " \(loaded.unlabelled.count) numbers of the scenario have none (escalation validate --strict lists them)."))
        page.table(id: "sources-table", header: ["parameter", "value", "origin", "where it comes from", "used at"], rows: entries.map { e in
            [(e.name + (e.label.isEmpty ? "" : ": " + e.label), nil), (e.value, e.number), (e.origin, nil), (e.detail, nil),
             (e.uses.joined(separator: ", "), nil)]
        }, paths: [4])
        return page.body
    }
}
