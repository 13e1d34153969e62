import Foundation
import Record
import TestSupport
import Testing

/// `escalation sensitivity`: one at a time with paired swing intervals, for outcomes and metrics;
/// Sobol indices; labels, manifests and the line that reproduces the CSV.
@Suite(.serialized)
struct SensitivityCommandTests {
    let flagship = "Scenarios/taji-2020.yaml"
    let toy = "Scenarios/bench/toy.yaml"
    let answerRule = "policies.us_answers.rules.answer attacks.probability"

    /// The CSV as rows of column → text.
    func table(_ path: String) throws -> [[String: String]] {
        let csv = try CSVTable(text: String(contentsOfFile: path, encoding: .utf8), path: path)
        return csv.rows.map { row in Dictionary(uniqueKeysWithValues: zip(csv.header.map(\.text), row.map(\.text))) }
    }

    /// The words of a command line written by `shellQuoted` (single quotes only).
    func shellWords(_ line: String) -> [String] {
        var words: [String] = [], word = "", quoted = false, started = false
        for c in line {
            if c == "'" { quoted.toggle(); started = true } else if c == " " && !quoted {
                if started { words.append(word) }
                word = ""
                started = false
            } else { word.append(c); started = true }
        }
        if started { words.append(word) }
        return words
    }

    func manifest(_ path: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// Every SVG at most 860 pixels wide and every text at 12 pixels or more, so a page shows
    /// them unscaled.
    func checkSVGSizes(_ page: String) {
        for svg in svgs(in: page) {
            let open = String(svg.prefix { $0 != ">" })
            let width = open.components(separatedBy: " width=\"").dropFirst().first.flatMap { Double($0.prefix { $0 != "\"" }) }
            #expect(width != nil && width! <= 860, "an SVG \(width ?? -1) pixels wide")
            for size in svg.components(separatedBy: "font-size=\"").dropFirst().compactMap({ Double($0.prefix { $0 != "\"" }) }) {
                #expect(size >= 12)
            }
        }
    }

    // MARK: one at a time

    /// The toy's answers: attacks at 0.2 a day, each answered with probability p after a
    /// Gamma(2, 1.5) delay, counted if the answer comes before day 365, so E[count_answer] =
    /// 0.2 p (365 − E min(delay, 365)) = 0.2 · 362 · p. Lowering and raising p (0.6) or the rate
    /// by 20% moves the mean by 0.2 · 362 · 0.6 · 0.4 = 17.376 either way.
    @Test func aMetricsSwingHasAPairedIntervalAndRuleNamesWorkInOnly() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("oat.csv").path, html = dir.appendingPathComponent("oat.html").path
        let result = try runEscalation(["sensitivity", toy, "--metric", "count_answer", "--runs", "2000", "--only", answerRule,
                                        "--only", "processes.attacks.rate", "--out", out, "--report", html])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try table(out)
        #expect(rows.count == 2)
        let truth = 0.2 * 362 * 0.6 * 0.4
        for row in rows {
            let swing = Double(row["swing"]!)!, low = Double(row["swing_ci95_low"]!)!, high = Double(row["swing_ci95_high"]!)!
            #expect(row["metric"] == "count_answer" && row["n"] == "2000")
            #expect(abs(swing - (Double(row["mean_high"]!)! - Double(row["mean_low"]!)!)) < 1e-9, "swing = raised − lowered")
            // The paired t interval's half width is 1.96 standard errors (t with 1999 degrees of
            // freedom); the tolerance is Tolerance.z of them.
            let standardError = (high - low) / 2 / 1.961
            #expect(abs(swing - truth) <= Tolerance.z * standardError, "\(row["parameter"]!): swing \(swing), truth \(truth) ± \(Tolerance.z * standardError)")
            #expect(low > 0, "a swing of 17 answers is far outside the noise of 2000 paired runs")
            #expect(Double(row["swing_p_value"]!)! < 1e-6)
        }
        // The rule named in --only is reported by its index, with a label naming the rule.
        let rule = try #require(rows.first { $0["parameter"] == "policies.us_answers.rules.0.probability" })
        #expect(rule["label"] == "probability of rule 'answer attacks', policy us_answers")
        #expect(rule["base_value"] == "0.6" && rule["low_value"] == "0.48" && rule["high_value"] == "0.72")
        // The summary names the measure, the swings with intervals, and each parameter; no
        // line is wider than 100 columns.
        #expect(result.stdout.hasPrefix("Most influential on mean count_answer, "))
        #expect(result.stdout.contains("      probability of rule 'answer attacks', policy us_answers\n"))
        #expect(result.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 })
        let page = try String(contentsOfFile: html, encoding: .utf8)
        let (reader, error) = ReportReader.read(page)
        #expect(error == nil)
        #expect(reader.ids.contains("chart-tornado") && reader.ids.contains("reproduce"))
        #expect(reader.tables["sensitivity-table"]?.count == 2)
        #expect(page.contains("probability of rule &apos;answer attacks&apos;, policy us_answers")
                || page.contains("probability of rule 'answer attacks', policy us_answers"))
        #expect(page.contains("A swing whose interval holds 0 is within the noise"))
        checkSVGSizes(page)
    }

    @Test func anOutcomesSwingHasNewcombesIntervalAndTheManifestReproducesTheCSV() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("sens.csv").path
        let result = try runEscalation(["sensitivity", flagship, "--runs", "300", "--only", "parameters.host_tolerance_start.value",
                                        "--only", "parameters.kh_control.value", "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let first = try Data(contentsOf: URL(fileURLWithPath: out))
        let rows = try table(out)
        let tolerance = try #require(rows.first { $0["parameter"] == "parameters.host_tolerance_start.value" })
        #expect(tolerance["label"] == "Iraq's tolerance of US forces (0 to 1; 0 means it orders them out) on 11 March")
        let pLow = Double(tolerance["p_low"]!)!, pHigh = Double(tolerance["p_high"]!)!, swing = Double(tolerance["swing"]!)!
        #expect(abs(swing - (pHigh - pLow)) < 1e-12)
        #expect(Double(tolerance["swing_ci95_low"]!)! <= swing && swing <= Double(tolerance["swing_ci95_high"]!)!)
        // More tolerance at the start delays the expulsion vote: a swing below 0, outside the noise.
        #expect(Double(tolerance["swing_ci95_high"]!)! < 0)
        // The default outcome is named in the manifest's command, which writes the same bytes.
        let path = dir.appendingPathComponent("sens.manifest.json").path
        let record = try manifest(path)
        #expect(record["kind"] as? String == "sensitivity")
        let reproduce = try #require(record["reproduce"] as? String)
        #expect(reproduce == "escalation sensitivity Scenarios/taji-2020.yaml --outcome us_expelled --change 0.2 --runs 300 "
                + "--seed 1 --only parameters.host_tolerance_start.value --only parameters.kh_control.value --out \(out)")
        #expect((record["columns"] as? [String])?.prefix(2) == ["parameter", "label"])
        try FileManager.default.removeItem(atPath: out)
        let again = try runEscalation(Array(shellWords(reproduce).dropFirst()) + ["--quiet", "--threads", "1"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == first)
    }

    @Test func mistakesAreUsageErrorsThatSayWhatWasExpected() throws {
        func fails(_ arguments: [String]) throws -> String {
            let r = try runEscalation(["sensitivity"] + arguments)
            #expect(r.status == 64, "\(arguments): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").allSatisfy { $0.count <= 100 }, "\(r.stderr)")
            return r.stderr
        }
        let metric = try fails([toy, "--metric", "nonsense", "--runs", "2"])
        #expect(metric.hasPrefix("error: --metric nonsense: not a column of the per-run CSV; its columns are:\n"
                                 + "  outcome_day, max_rung, events, us_killed, us_wounded,"))
        #expect(try fails([flagship, "--metric", "us_expelled", "--runs", "2"])
                == "error: --metric us_expelled: that is an outcome; use --outcome us_expelled\n")
        #expect(try fails([toy, "--metric", "events", "--outcome", "unresolved"]).contains("--outcome and --metric: expected one of them"))
        #expect(try fails([toy, "--range", "processes.attacks.rate=0.1:0.3"]).contains("--range: expected only with --method sobol"))
        #expect(try fails([toy, "--samples", "8"]).contains("--samples: expected only with --method sobol"))
        #expect(try fails([toy, "--method", "sobol", "--change", "0.1"]).contains("--change: expected only with --method oat"))
        #expect(try fails([toy, "--method", "sobol", "--range", "processes.attacks.rate=0.3:0.1"])
                .contains("--range processes.attacks.rate=0.3:0.1: expected LOW below HIGH"))
        // No range known: ask for one.
        #expect(try fails([toy, "--method", "sobol", "--only", "processes.attacks.rate", "--runs", "2"])
                .contains("give one with\n  --range processes.attacks.rate=LOW:HIGH\n"))
        #expect(try fails([toy, "--method", "sobol", "--runs", "2"])
                .hasPrefix("error: --method sobol: Scenarios/bench/toy.yaml has no parameter with an assumption range"))
        // More than 20 parameters with a range: say why, and list them for --only.
        let many = try fails([flagship, "--method", "sobol", "--runs", "2"])
        #expect(many.hasPrefix("error: --method sobol: 94 parameters of Scenarios/taji-2020.yaml have an assumption range,\n"
                               + "more than the 20 Sobol indices can take (GSL's Sobol sequence has 40 dimensions"))
        #expect(many.contains("parameters.kh_control.value, parameters.tension_after_taji.value,"))
        // A range the scenario refuses somewhere is found at the corners, before the design runs.
        #expect(try fails([flagship, "--method", "sobol", "--only", "parameters.calm_days.value",
                           "--range", "parameters.calm_days.value=-5:3", "--samples", "4", "--runs", "2"])
                == "error: --range parameters.calm_days.value: the scenario does not compile at a point of the design:\n"
                + "  outcomes.calm.quiet_days: expected a number of days greater than 0, found -5\n")
        #expect(try fails([flagship, "--method", "sobol", "--only", "actors.kh.nonsense"])
                .hasPrefix("error: --only actors.kh.nonsense: no key 'nonsense' under actors.kh"))
    }

    // MARK: Sobol indices

    /// Over p in [0.2, 0.9] and the attack rate r in [0.1, 0.3], E[count_answer] = 72.4 p r, a
    /// product of independent inputs, whose indices are known exactly: V_p = Var p (E r)²,
    /// V_r = Var r (E p)², V_pr = Var p Var r.
    @Test func sobolIndicesOfTheToyMatchTheProductFormAndAreTheSameOnAnyThreadCount() throws {
        let dir = try temporaryDirectory()
        let out1 = dir.appendingPathComponent("one.csv").path, out2 = dir.appendingPathComponent("two.csv").path
        let html = dir.appendingPathComponent("sobol.html").path
        let arguments = ["sensitivity", toy, "--method", "sobol", "--metric", "count_answer",
                         "--range", "\(answerRule)=0.2:0.9", "--range", "processes.attacks.rate=0.1:0.3",
                         "--samples", "64", "--runs", "40"]
        let two = try runEscalation(arguments + ["--threads", "2", "--out", out2, "--report", html])
        #expect(two.status == 0, "\(two.stderr)")
        let one = try runEscalation(arguments + ["--threads", "1", "--out", out1, "--quiet"])
        #expect(one.status == 0, "\(one.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out1))
        #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: out2))), "the same bytes on 1 and 2 threads")
        let repeated = try runEscalation(arguments + ["--quiet"])
        #expect(repeated.stdoutData == bytes, "the same bytes again")

        let (ep, vp, er, vr) = (0.55, 0.7 * 0.7 / 12, 0.2, 0.2 * 0.2 / 12)
        let v = (vp + ep * ep) * (vr + er * er) - ep * ep * er * er
        let truth = ["policies.us_answers.rules.0.probability": (vp * er * er / v, (vp * er * er + vp * vr) / v),
                     "processes.attacks.rate": (vr * ep * ep / v, (vr * ep * ep + vp * vr) / v)]
        let rows = try table(out1)
        #expect(rows.map { $0["parameter"]! }.sorted() == truth.keys.sorted())
        for row in rows {
            let (first, total) = truth[row["parameter"]!]!
            #expect(row["low"] == (row["parameter"] == "processes.attacks.rate" ? "0.1" : "0.2"))
            // The bootstrap intervals hold the exact indices (the noise of 40 runs is about 0.3% of
            // the variance over the ranges, too little to matter).
            #expect(Double(row["first_order_ci95_low"]!)! <= first && first <= Double(row["first_order_ci95_high"]!)!,
                    "\(row): S1 = \(first)")
            #expect(Double(row["total_ci95_low"]!)! <= total && total <= Double(row["total_ci95_high"]!)!, "\(row): ST = \(total)")
        }
        #expect(two.stdout.contains("64 rows × 4 points × 40 runs (10280 runs in all):"))
        #expect(two.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 })

        let page = try String(contentsOfFile: html, encoding: .utf8)
        let (reader, error) = ReportReader.read(page)
        #expect(error == nil)
        #expect(reader.ids.contains("chart-sobol") && reader.ids.contains("reproduce"))
        #expect(reader.tables["sobol-table"]?.count == 2)
        checkSVGSizes(page)
        let record = try manifest(dir.appendingPathComponent("one.manifest.json").path)
        #expect(record["reproduce"] as? String == "escalation sensitivity Scenarios/bench/toy.yaml --method sobol --metric count_answer "
                + "--samples 64 --runs 40 --seed 1 --range '\(answerRule)=0.2:0.9' --range processes.attacks.rate=0.1:0.3 --out \(out1)")
        #expect((record["settings"] as? [String: String])?["method"] == "sobol")
    }

    /// Assumption ranges by default, the prior's 5–95% quantiles for a calibrated parameter, and
    /// a --range that widens an assumption range beyond what the scenario declares.
    @Test func sobolRangesComeFromAssumptionsPriorsAndRangeOptions() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("ranges.csv").path
        let result = try runEscalation(["sensitivity", flagship, "--method", "sobol", "--only", "parameters.kh_control.value",
                                        "--only", "parameters.kh_attack_rate.value", "--range", "parameters.tension_baseline.value=0.05:0.7",
                                        "--samples", "4", "--runs", "5", "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = Dictionary(uniqueKeysWithValues: try table(out).map { ($0["parameter"]!, $0) })
        #expect(rows["parameters.kh_control.value"]?["low"] == "0.4" && rows["parameters.kh_control.value"]?["high"] == "0.9")
        // Log-normal, median 0.04 and σ 1: 0.04 · e^(∓1.6449).
        let rate = try #require(rows["parameters.kh_attack_rate.value"])
        #expect(abs(Double(rate["low"]!)! - 0.04 * exp(-1.6448536269514722)) < 1e-9)
        #expect(abs(Double(rate["high"]!)! - 0.04 * exp(1.6448536269514722)) < 1e-9)
        #expect(rows["parameters.tension_baseline.value"]?["high"] == "0.7")
        #expect(rows["parameters.tension_baseline.value"]?["label"] == "tension it relaxes toward")
    }

    /// A number that is part of the structure (a rule's rung offset) is named as such, not as
    /// a zero or a calibrated parameter.
    @Test func aStructuralNumberIsNamedAsSuch() throws {
        let result = try runEscalation(["sensitivity", flagship, "--runs", "10", "--only", "policies.us_limited.rules.4.offset"])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("offset is part of the scenario's structure"), "\(result.stderr)")
    }
}
