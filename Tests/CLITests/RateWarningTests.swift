import EscalationModel
import Experiments
import Foundation
import TestSupport
import Testing

/// Thinning draws a state-dependent process's candidates at its `max_rate`, so a rate above it
/// is cut and the runs undercount the process. Every command that simulates says so, where (the
/// base, the sweep's points, the parameter varied, the design's points), and how far: the highest
/// rate ÷ `max_rate` over the runs, which must be the highest of the runs simulated here.
struct RateWarningTests {
    static let warning = "warning: a state-dependent rate went above its max_rate"
    static let inSomeRuns = warning + " in some runs"
    /// At push 1.005 the rate 0.5 · push · (1 + day / 100) is at most 1.005 times its maximum of
    /// 1 (at the horizon), and the ratio is rounded up to two decimals.
    static let reached = "; attacks reached 1.01 times its max_rate"

    @Test func everyCommandThatSimulatesSaysWhenARateWentAboveItsMaximum() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("over.yaml").path
        try rateAboveMaximumScenario.write(toFile: path, atomically: true, encoding: .utf8)
        let sink = dir.appendingPathComponent("out").path
        let over = ["--set", "parameters.push.value=3"]
        func stderr(_ arguments: [String]) throws -> String {
            let result = try runEscalation(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return result.stderr
        }
        // Within the maximum: no command warns.
        for arguments in [["batch", path, "--runs", "200", "--quiet", "--out", sink + ".csv"],
                          ["sweep", path, "--vary", "parameters.push.value=0.5:1:0.5", "--runs", "100", "--quiet", "--out", sink + "-sweep.csv"],
                          ["report", path, "--runs", "100", "--quiet", "--out", sink + ".html"],
                          ["backtest", path, "--runs", "100"]] {
            #expect(!(try stderr(arguments)).contains(Self.warning), "\(arguments)")
        }
        // How far replications 0..<runs (master seed 1) at this push went: the highest rate ÷
        // max_rate of any of them, as the warnings word it.
        func reachedText(push: Double, runs: Int) throws -> String {
            let model = try scenario(rateAboveMaximumScenario.replacingOccurrences(of: "value: 1,", with: "value: \(push),"))
            let highest = model.replicate(runs, master: 1).map { $0.rateExcess[0] }.max() ?? 0
            #expect(highest > 1)
            return rateExcessText(["attacks": highest])
        }
        let atThree = try reachedText(push: 3, runs: 100)
        // Above it: each says so (a batch, in how many runs: at push 3 the rate is above 1 from
        // the start, so in all of them), and how far.
        #expect(try stderr(["batch", path, "--runs", "200", "--quiet", "--out", sink + ".csv"] + over)
            .contains(Self.inSomeRuns + " (in 200 of the 200 runs; \(try reachedText(push: 3, runs: 200))); raise"))
        #expect(try stderr(["compare", path, path, "--runs", "100"] + over)
            .contains(Self.inSomeRuns + " (A: \(atThree); B: \(atThree)); raise max_rate for exact results"))
        #expect(try stderr(["compare", path, path, "--runs", "100", "--set-b", "parameters.push.value=3"])
            .contains(Self.inSomeRuns + " (B: \(atThree)); raise max_rate for exact results"))
        #expect(try stderr(["backtest", path, "--runs", "100"] + over)
            .contains(Self.inSomeRuns + " (in 100 of the 100 runs; \(atThree)); raise max_rate for exact results"))
        // A run says how far: the rate 1.5 · (1 + day / 100) against 1 is at most 3 by the horizon.
        let reached = #/went above its max_rate \(attacks reached (\d\.\d\d) times its max_rate\); raise max_rate for exact results/#
        let jsonl = try stderr(["run", path, "--seed", "1", "--trace", "jsonl"] + over)
        let ratio = try #require(jsonl.firstMatch(of: reached).flatMap { Double($0.1) }, "\(jsonl)")
        #expect(ratio > 2.5 && ratio <= 3, "\(jsonl)")
        let narrative = try runEscalation(["run", path, "--seed", "1"] + over)
        #expect(narrative.stdout.contains("Warning: a state-dependent rate went above its max_rate (attacks reached \(String(format: "%.2f", ratio)) "
                                          + "times its max_rate); raise max_rate for exact results."), "\(narrative.stdout)")
        // Where: the points of a sweep, the base, the parameter varied, the design's points.
        #expect(try stderr(["sweep", path, "--vary", "parameters.push.value=1:3:1", "--runs", "100", "--quiet",
                            "--out", sink + "-sweep.csv"])
                .contains(Self.inSomeRuns + " (at 2 of 3 points: parameters.push.value=2; parameters.push.value=3; \(atThree)); raise"))
        // The base is the scenario with --set; each point sets push again.
        #expect(try stderr(["sweep", path, "--vary", "parameters.push.value=0.5:1:0.5", "--runs", "100", "--quiet",
                            "--out", sink + "-sweep.csv"] + over)
                .contains(Self.inSomeRuns + " (the base; \(atThree)); raise"))
        #expect(try stderr(["sensitivity", path, "--runs", "100", "--quiet", "--metric", "count_attack", "--change", "0.5",
                            "--out", sink + "-oat.csv"])
                .contains(Self.inSomeRuns + " (varying parameters.push.value; \(try reachedText(push: 1.5, runs: 100))); raise"))
        let sobol = try stderr(["sensitivity", path, "--method", "sobol", "--samples", "8", "--runs", "20", "--quiet",
                                "--metric", "count_attack", "--out", sink + "-sobol.csv"])
        // push is drawn from [0.5, 3]: above 1 at most points of the design (8 × 3 = 24), never at the base.
        #expect(sobol.contains(Self.inSomeRuns + " (at "))
        let design = #/ of 24 points of the design; attacks reached (\d\.\d\d) times its max_rate\); raise/#
        let highest = try #require(sobol.firstMatch(of: design).flatMap { Double($0.1) }, "\(sobol)")
        #expect(highest > 1 && highest <= 3, "\(sobol)")
        #expect(!sobol.contains("the base"))
    }

    /// `report` says how many runs went above the maximum, on standard error and at the top of
    /// the page: of every run, from a scenario or a batch small enough that the report simulates
    /// every row again; from a larger batch's CSV (which does not record it), as its manifest
    /// counts them, or, where the manifest counts fewer runs than the report's sample (or a count
    /// the sample proves wrong), of the runs the report simulates again to check the file. At
    /// push 1.005 the rate passes 1 after day 99.005, so about 1 − e^−1 of runs draw a candidate there.
    @Test func aReportCountsTheRunsAboveTheMaximum() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("over.yaml").path
        try rateAboveMaximumScenario.write(toFile: path, atomically: true, encoding: .utf8)
        let runs = 300
        let expected = try scenario(rateAboveMaximumScenario.replacingOccurrences(of: "value: 1,", with: "value: 1.005,"))
            .replicate(runs, master: 1).filter(\.rateExceeded).count
        #expect(expected > runs / 3 && expected < runs * 9 / 10, "\(expected) of \(runs)")
        let over = ["--set", "parameters.push.value=1.005"]
        func page(_ name: String) throws -> String {
            try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        }

        let fromScenario = try runEscalation(["report", path, "--runs", String(runs), "--seed", "1", "--quiet",
                                              "--out", dir.appendingPathComponent("scenario.html").path] + over)
        #expect(fromScenario.status == 0, "\(fromScenario.stderr)")
        #expect(fromScenario.stderr.contains(Self.inSomeRuns + " (in \(expected) of the \(runs) runs\(Self.reached)); raise"),
                "\(fromScenario.stderr)")
        #expect(try page("scenario.html").contains(
            "<p id=\"rate-warning\" class=\"warning\"><strong>A state-dependent rate went above its max_rate</strong> in "
            + "\(expected) of the \(runs) runs\(Self.reached): "))

        let csv = dir.appendingPathComponent("runs.csv").path
        #expect(try runEscalation(["batch", path, "--runs", String(runs), "--seed", "1", "--quiet", "--out", csv] + over)
            .stderr.contains(Self.inSomeRuns))
        // A batch of 300 runs: the report simulates every row again to check it, so its count is exact.
        let fromBatch = try runEscalation(["report", csv, "--quiet", "--out", dir.appendingPathComponent("batch.html").path])
        #expect(fromBatch.status == 0, "\(fromBatch.stderr)")
        #expect(fromBatch.stderr.contains(Self.inSomeRuns + " (in \(expected) of the \(runs) runs\(Self.reached)); raise"), "\(fromBatch.stderr)")
        #expect(try page("batch.html").contains("in \(expected) of the \(runs) runs\(Self.reached): "))

        // A batch larger than the report's sample (10,000 runs): the count its manifest records.
        let big = 12_000
        let flagged = try scenario(rateAboveMaximumScenario.replacingOccurrences(of: "value: 1,", with: "value: 1.005,"))
            .replicate(big, master: 1).map(\.rateExceeded)
        let bigExpected = flagged.filter { $0 }.count
        let bigCSV = dir.appendingPathComponent("big.csv").path, bigManifest = dir.appendingPathComponent("big.manifest.json").path
        #expect(try runEscalation(["batch", path, "--runs", String(big), "--seed", "1", "--quiet", "--out", bigCSV] + over).status == 0)
        func report(_ name: String) throws -> (stderr: String, page: String) {
            let result = try runEscalation(["report", bigCSV, "--quiet", "--out", dir.appendingPathComponent(name).path])
            #expect(result.status == 0, "\(result.stderr)")
            return (result.stderr, try page(name))
        }
        let fromManifest = try report("manifest.html")
        let recorded = "\(bigExpected) of the \(big) runs, as the batch's manifest records\(Self.reached)"
        #expect(fromManifest.stderr.contains(Self.inSomeRuns + " (in \(recorded)); raise"), "\(fromManifest.stderr)")
        #expect(fromManifest.page.contains("in \(recorded): "))
        #expect(fromManifest.page.contains("Raise <code>max_rate</code> by at least that factor (write it from the rate's own parameters)"))

        // A manifest that counts only some runs (a resumed batch), more than the sample: its count.
        let original = try Manifest.read(bigManifest)
        var manifest = original
        manifest.maxRateExceeded = .init(runs: flagged.prefix(11_000).filter { $0 }.count, checked: 11_000, highest: ["attacks": 1.004])
        try manifest.encoded().write(toFile: bigManifest, atomically: true, encoding: .utf8)
        let partly = try report("partly.html")
        let counted = "\(manifest.maxRateExceeded!.runs) of the 11000 runs the batch's manifest counts (of \(big); "
            + "it does not know the others, so some of them may have too); attacks reached 1.01 times its max_rate"
        #expect(partly.stderr.contains(Self.inSomeRuns + " (in \(counted)); raise"), "\(partly.stderr)")
        #expect(partly.page.contains("in \(counted): "))

        // No count (written before manifests kept it), or one the sample proves wrong (none above the
        // maximum, where the sample finds some): the runs simulated again for the report.
        func sampled(_ text: String) -> Int? {
            let pattern = #/in (\d+) of the 10000 runs of the batch simulated again for the report \(its manifest does not count every run, so other runs may have too\); attacks reached 1.01 times its max_rate/#
            return text.firstMatch(of: pattern).flatMap { Int($0.1) }
        }
        for (name, count) in [("none.html", nil), ("wrong.html", Manifest.RateCount(runs: 0, checked: big))] {
            manifest.maxRateExceeded = count
            try manifest.encoded().write(toFile: bigManifest, atomically: true, encoding: .utf8)
            let fromSample = try report(name)
            let n = sampled(fromSample.stderr)
            // A sample of n = 10,000 of the N = 12,000 runs, K of them above: hypergeometric, within
            // five standard deviations of its mean n·K/N.
            let (n0, N, p) = (10_000.0, Double(big), Double(bigExpected) / Double(big))
            let mean = n0 * p, sd = (n0 * p * (1 - p) * (N - n0) / (N - 1)).squareRoot()
            #expect(n.map { abs(Double($0) - mean) < 5 * sd } == true, "\(name): \(fromSample.stderr)")
            #expect(sampled(fromSample.page) == n, "\(name)")
        }
        // Within the maximum, neither says anything.
        #expect(!(try runEscalation(["batch", path, "--runs", String(runs), "--seed", "1", "--quiet", "--out", csv]))
            .stderr.contains(Self.warning))
        let quiet = try runEscalation(["report", csv, "--quiet", "--out", dir.appendingPathComponent("within.html").path])
        let within = try page("within.html")
        #expect(!quiet.stderr.contains(Self.warning) && !within.contains("rate-warning"))
    }

    /// The CSV does not record in which runs a rate went above the maximum, so the manifest
    /// counts them: a batch every run it simulates, a shard its own, and `merge` adds the shards'
    /// up to the whole batch's count; a resumed batch counts the runs it simulates and the rows of
    /// the partial file it simulates again to check them, and says of how many runs it knows.
    @Test func manifestsCountTheRunsAboveTheMaximum() throws {
        let dir = try temporaryDirectory()
        func p(_ name: String) -> String { dir.appendingPathComponent(name).path }
        try rateAboveMaximumScenario.write(toFile: p("over.yaml"), atomically: true, encoding: .utf8)
        let runs = 300
        let model = try scenario(rateAboveMaximumScenario.replacingOccurrences(of: "value: 1,", with: "value: 1.005,"))
        let results = model.replicate(runs, master: 1)
        func count(_ runs: some Sequence<Int>) -> Int { runs.filter { results[$0].rateExceeded }.count }
        /// What a manifest must record over these runs: how many went above, and the highest ratio.
        func recorded(_ runs: some Sequence<Int>) -> Manifest.RateCount {
            let list = Array(runs), highest = list.map { results[$0].rateExcess[0] }.max() ?? 0
            return .init(runs: count(list), checked: list.count, highest: highest > 0 ? ["attacks": highest] : nil)
        }
        let expected = count(0..<runs)
        #expect(expected > runs / 3 && expected < runs * 9 / 10, "\(expected) of \(runs)")
        let batch = ["batch", p("over.yaml"), "--runs", String(runs), "--seed", "1", "--quiet", "--set", "parameters.push.value=1.005"]

        let whole = try runEscalation(batch + ["--out", p("whole.csv")])
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(whole.stderr.contains(Self.inSomeRuns + " (in \(expected) of the \(runs) runs\(Self.reached)); raise"), "\(whole.stderr)")
        #expect(try Manifest.read(p("whole.manifest.json")).maxRateExceeded == recorded(0..<runs))

        // Three shards, each counting its own runs; merged, the whole batch's count.
        for k in 1...3 {
            let shard = try runEscalation(batch + ["--shard", "\(k)/3", "--out", p("shard\(k).csv")])
            #expect(shard.status == 0, "\(shard.stderr)")
            let manifest = try Manifest.read(p("shard\(k).manifest.json"))
            let range = manifest.shard.first..<manifest.shard.end
            #expect(manifest.maxRateExceeded == recorded(range))
        }
        let shards = (1...3).map { p("shard\($0).csv") }
        let merged = try runEscalation(["merge"] + shards + ["--out", p("merged.csv")])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stderr.contains(Self.inSomeRuns + " (in \(expected) of the \(runs) runs, as the shards' manifests record"
                                       + "\(Self.reached)); raise"), "\(merged.stderr)")
        #expect(try Manifest.read(p("merged.manifest.json")).maxRateExceeded == recorded(0..<runs))
        // A shard whose manifest does not count them (written before manifests did): the others' count.
        var second = try Manifest.read(p("shard2.manifest.json"))
        let secondRange = second.shard.first..<second.shard.end
        second.maxRateExceeded = nil
        try second.encoded().write(toFile: p("shard2.manifest.json"), atomically: true, encoding: .utf8)
        let partly = try runEscalation(["merge"] + shards + ["--out", p("partly.csv")])
        let others = recorded(Array(0..<secondRange.lowerBound) + Array(secondRange.upperBound..<runs))
        #expect(partly.stderr.contains(Self.inSomeRuns + " (in \(others.runs) of the \(others.checked) runs checked (of \(runs)), "
                                       + "as the shards' manifests record\(Self.reached)); raise"), "\(partly.stderr)")
        #expect(try Manifest.read(p("partly.manifest.json")).maxRateExceeded == others)

        // Killed after 150 rows, then resumed: the 150 runs it simulates, and of the 150 it reads
        // back, those it simulates again to check them (about one in three, and the last).
        try FileManager.default.moveItem(atPath: p("whole.csv"), toPath: p("whole.csv.partial"))
        try FileManager.default.moveItem(atPath: p("whole.manifest.json"), toPath: p("whole.csv.partial.json"))
        let lines = try String(contentsOfFile: p("whole.csv.partial"), encoding: .utf8).split(separator: "\n")
        try (lines.prefix(151).joined(separator: "\n") + "\n").write(toFile: p("whole.csv.partial"), atomically: false, encoding: .utf8)
        let resumed = try runEscalation(batch + ["--out", p("whole.csv"), "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let verifier = RowVerifier(scenario: model, masterSeed: 1, range: 0..<runs)
        let rechecked = (0..<150).filter { verifier.isSampled($0) || $0 == 149 }
        #expect(rechecked.count > 20 && rechecked.count < 150)
        let resumedCount = recorded(rechecked + Array(150..<runs))
        #expect(try Manifest.read(p("whole.manifest.json")).maxRateExceeded == resumedCount)
        #expect(resumed.stderr.contains(Self.inSomeRuns + " (in \(resumedCount.runs) of the \(resumedCount.checked) runs checked "
                                        + "(of \(runs))\(Self.reached)); raise"), "\(resumed.stderr)")
        // Run again with --resume, finished: nothing runs, and the manifest's count is repeated.
        let again = try runEscalation(batch + ["--out", p("whole.csv"), "--resume"])
        #expect(again.status == 0 && again.stderr.contains(Self.inSomeRuns + " (in \(resumedCount.runs) of the \(resumedCount.checked) "
                                                           + "runs checked (of \(runs))\(Self.reached)); raise"), "\(again.stderr)")

        // A count that cannot be (more runs above than checked) is refused, by name.
        var impossible = try Manifest.read(p("merged.manifest.json"))
        impossible.maxRateExceeded = .init(runs: 5, checked: 3)
        try impossible.encoded().write(toFile: p("merged.manifest.json"), atomically: true, encoding: .utf8)
        let refused = try runEscalation(["report", p("merged.csv"), "--quiet", "--out", p("merged.html")])
        #expect(refused.status == 65 && refused.stderr.contains("merged.manifest.json is not a manifest escalation wrote: "
                                                                + "its maxRateExceeded is impossible (5 runs of 3 checked, in a shard of 300 runs)"),
                "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: p("merged.html")))
        impossible.maxRateExceeded = .init(runs: 3, checked: 5, highest: ["attacks": 0.5])
        try impossible.encoded().write(toFile: p("merged.manifest.json"), atomically: true, encoding: .utf8)
        #expect(try runEscalation(["report", p("merged.csv"), "--quiet", "--out", p("merged.html")]).stderr
            .contains("its maxRateExceeded gives process attacks a highest rate ÷ max_rate of 0.5, where only a number of at least 1 can be"))
    }

    /// Calibration, hindcasts and simulation-based calibration count the runs (and calibration
    /// the posterior's draws) where a rate went above its maximum; the calibration's summary
    /// file keeps the count.
    @Test func calibrationHindcastsAndSBCSayHowManyRunsWentAboveTheMaximum() throws {
        let dir = try temporaryDirectory()
        let over = dir.appendingPathComponent("over.yaml").path, within = dir.appendingPathComponent("within.yaml").path
        try calibratedRateScenario(maxRate: "1").write(toFile: over, atomically: true, encoding: .utf8)
        try calibratedRateScenario(maxRate: "1.5 * push").write(toFile: within, atomically: true, encoding: .utf8)
        func commands(_ path: String) -> [[String]] {
            [["calibrate", path, "--particles", "200", "--quiet", "--out", dir.appendingPathComponent("posterior.csv").path],
             ["hindcast", path, "--runs", "500", "--quiet"],
             ["sbc", path, "--sets", "10", "--particles", "50", "--quiet"]]
        }
        let counted = [#"in \d+ of \d+ simulations; \d+ of the posterior's 200 draws"#,
                       #"\#(over): in \d+ of the model's 500 runs"#,
                       #"in \d+ runs, in \d+ of the 10 synthetic records and their fits"#]
        for (arguments, place) in zip(commands(over), counted) {
            let result = try runEscalation(arguments)
            let line = result.stderr.split(separator: "\n").first { $0.hasPrefix(Self.inSomeRuns) }.map(String.init) ?? ""
            // push ≤ 1.2 and day ≤ 20: the rate is at most 1.8 times its maximum.
            let match = line.firstMatch(of: try Regex(#"^"# + Self.inSomeRuns + #" \("# + place
                                                      + #"; attacks reached (\d\.\d\d) times its max_rate\); raise max_rate for exact results$"#))
            let highest = try #require(match.flatMap { ($0[1].substring).flatMap { Double($0) } }, "\(arguments[0]): \(result.stderr)")
            #expect(highest > 1 && highest <= 1.8, "\(arguments[0]): \(result.stderr)")
        }
        // As one line: the summary wraps its paragraphs.
        let summary = try String(contentsOf: dir.appendingPathComponent("posterior.summary.txt"), encoding: .utf8)
            .replacingOccurrences(of: "\n  ", with: " ")
        #expect(summary.contains("MAX_RATE EXCEEDED: in "))
        #expect(summary.contains(" draws were fitted on such runs; attacks reached "))
        #expect(summary.contains(" times its max_rate. Raise max_rate by at least that factor"))
        for arguments in commands(within) {
            #expect(!(try runEscalation(arguments)).stderr.contains(Self.warning), "\(arguments[0])")
        }
    }
}
