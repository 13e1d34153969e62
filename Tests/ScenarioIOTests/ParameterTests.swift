import EscalationModel
import Foundation
import Record
import ScenarioIO
import Stochastics
import TestSupport
import Testing

/// Parameters and their origins, record references, priors, posterior files and the audit of
/// numbers without an origin.
struct ParameterTests {
    static let catalog = try! Catalog.load(folder: repositoryPath("seeds"))

    static let base = """
        start: 2020-03-11
        horizon: 60
        actors: {kh: {name: KH}, us: {name: US}}
        actions:
          attack: {actor: kh, target: us, rung: 4, casualties: {us_killed: {poisson: lethality}}}
          strike: {actor: us, target: kh, rung: 5}
        processes: {attacks: {action: attack, rate: rate}}
        policies: {us: {actor: us, rules: [{hit_by: attack, strategy: fixed, action: strike, probability: strike_p, delay: 0}]}}
        """

    func loaded(_ parameters: String, extra: String = "") throws -> LoadedScenario {
        try ScenarioLoader.loaded(text: Self.base + "\nparameters:\n" + parameters + "\n" + extra, file: "test.yaml", catalog: Self.catalog)
    }

    func problems(_ parameters: String, extra: String = "") -> [String] {
        do {
            _ = try loaded(parameters, extra: extra)
            return []
        } catch let error as ScenarioError {
            return error.diagnostics.map(\.description)
        } catch {
            return ["unexpected: \(error)"]
        }
    }

    static let good = """
          rate: {label: attacks a day, value: "@2020-03-kh-dozen-attacks.count / @2020-03-kh-dozen-attacks.days"}
          lethality: {label: deaths an attack, value: 0.1, assumption: [0.05, 0.3], why: a judgement}
          strike_p: {label: chance of a strike, prior: {beta: [2, 2]}}
        """

    @Test func eachOriginCompilesAndIsRecorded() throws {
        let l = try loaded(Self.good)
        let byID = Dictionary(uniqueKeysWithValues: l.parameters.map { ($0.id, $0) })
        // About a dozen (10 to 14) in the 183 days from 13 September to 13 March: the figure is the low end.
        #expect(byID["rate"]!.value == 10.0 / 183)
        guard case .derived(_, let documented, let rows) = byID["rate"]!.origin else { Issue.record("rate"); return }
        #expect(documented == Documented(low: 10.0 / 183, high: 14.0 / 183))
        #expect(rows == ["@2020-03-kh-dozen-attacks.count", "@2020-03-kh-dozen-attacks.days"])
        guard case .assumption(0.05, 0.3) = byID["lethality"]!.origin else { Issue.record("lethality"); return }
        guard case .calibrated(let prior, 0) = byID["strike_p"]!.origin else { Issue.record("strike_p"); return }
        #expect(prior.kind == .beta && byID["strike_p"]!.value == prior.median)
        // The calibrated one is a slot of the program; the others are folded into constants.
        #expect(l.scenario.parameters.names == ["strike_p"])
        #expect(l.scenario.processes[0].rate == .constant(.constant(10.0 / 183)))
        #expect(byID["strike_p"]!.uses == ["policies.us.rules.0.probability"])
        #expect(byID["lethality"]!.uses == ["actions.attack.casualties.us_killed.poisson"])
        #expect(l.unlabelled.isEmpty, "\(l.unlabelled)")
    }

    @Test func aSlotTakesEachRunsValue() throws {
        let s = try loaded(Self.good).scenario
        let simulator = Simulator(scenario: s)
        func strikes(_ p: Double) -> Int {
            simulator.parameterValues = [p]
            return (0..<400).reduce(0) { $0 + s.count("strike", in: simulator.run(seed: UInt64($1))) }
        }
        #expect(strikes(0) == 0)
        let all = strikes(1)
        let attacks = (0..<400).reduce(0) { $0 + s.count("attack", in: simulator.run(seed: UInt64($1))) }
        #expect(all == attacks && all > 0)
    }

    @Test func recordReferencesSayWhatIsWrong() {
        #expect(problems(Self.good, extra: "interventions: {x: {at: 1, inject: {action: attack, casualties: {us_killed: \"@2020-03-11-tajj.us_killed\"}}}}")
                == ["test.yaml:13:78: error: interventions.x.inject.casualties.us_killed: expected the id of a row of the record, found '2020-03-11-tajj'; did you mean '2020-03-11-taji'?"])
        #expect(problems(Self.good, extra: "interventions: {x: {at: 1, inject: {action: attack, casualties: {us_killed: \"@2020-03-17-taji.us_killed\"}}}}")
                == ["test.yaml:13:78: error: interventions.x.inject.casualties.us_killed: expected a documented us_killed, found none in 2020-03-17-taji (empty means unknown, not 0)"])
        #expect(problems(Self.good, extra: "interventions: {x: {at: \"@2020-half-the-bases.day\", note: n}}")
                == ["test.yaml:13:26: error: interventions.x.at: expected a row whose first day is documented, found 2020-half-the-bases, dated only 'by' 2020-04-21"])
        #expect(problems(Self.good + "\n  x: {label: l, value: \"@2020-03-11-taji.us_kiled\"}").first?.hasSuffix("found 'us_kiled'; did you mean 'us_killed'?") == true)
    }

    @Test func aTotalAndARowItContainsCannotBeAdded() {
        let text = "  x: {label: l, value: \"@2020-04-01-militia-toll.us_killed + @2020-03-11-taji.us_killed\"}"
        #expect(problems(text + "\n" + Self.good) == [
            "test.yaml:10:25: error: parameters.x.value: expected each documented event counted once, found 2020-04-01-militia-toll, which contains 2020-03-11-taji, beside 2020-03-11-taji itself; use @2020-04-01-militia-toll.us_killed_undated for what the total leaves undated",
        ])
        // What the total leaves undated may be added to the rows it contains.
        #expect(problems("  x: {label: l, value: \"@2020-04-01-militia-toll.us_killed_undated + @2020-03-11-taji.us_killed\"}\n" + Self.good).isEmpty)
        func first(_ formula: String) -> String? { problems("  x: {label: l, value: \"\(formula)\"}\n" + Self.good).first }
        // A total inside a total: all June 2011 deaths contain the hostile ones, which contain Camp Loyalty.
        #expect(first("@2011-06-us-deaths.us_killed + @2011-06-06-camp-loyalty.us_killed")?.contains(
            "found 2011-06-us-deaths, which contains 2011-06-06-camp-loyalty, beside 2011-06-06-camp-loyalty itself") == true)
        #expect(first("@2011-06-us-deaths.us_killed_undated + @2011-06-06-camp-loyalty.us_killed") == nil)
        // A total beside its own undated part.
        #expect(first("@2011-06-hostile-deaths.us_killed + @2011-06-hostile-deaths.us_killed_undated")?.contains(
            "found @2011-06-hostile-deaths.us_killed and its undated part together") == true)
        // Two totals that share dated rows (K-1 and Taji are in both).
        #expect(first("@2020-03-kh-dozen-attacks.count + @2020-two-dozen-attacks.count")?.contains(
            "found 2020-03-kh-dozen-attacks and 2020-two-dozen-attacks, which both contain 2019-12-27-k1, 2020-03-11-taji") == true)
        // A figure the arithmetic cannot hold.
        #expect(first("@2020-01-02-attacks.count * 1e308")?.contains("expected a formula whose figure is a finite number") == true)
        // The figure is the formula on each reference's figure: 100 less "at least 7" is 93.
        let l = try! loaded(Self.good + "\n  y: {label: l, value: \"100 - @2020-01-02-attacks.count\"}")
        #expect(l.parameters.first { $0.id == "y" }!.value == 93)
    }

    @Test func assumptionsStayInTheirRangeUnlessACommandLineSetsThem() throws {
        #expect(problems(Self.good + "\n  y: {label: l, value: 2, assumption: [0, 1], why: w}")
                == ["test.yaml:13:24: error: parameters.y.value: expected a value inside its assumption range [0, 1], found 2"])
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("s.yaml").path
        try (Self.base.replacingOccurrences(of: "start: 2020-03-11", with: "start: 2020-03-11\nrecord: \(repositoryPath("seeds"))")
             + "\nparameters:\n" + Self.good).write(toFile: path, atomically: true, encoding: .utf8)
        let set = try ScenarioLoader.load(path: path, overrides: [Override(path: ["parameters", "lethality", "value"], text: "0.9")])
        #expect(set.parameters.first { $0.id == "lethality" }?.value == 0.9)
    }

    @Test func aCalibratedParameterCannotStandWhereANumberIsFixedBeforeTheRun() {
        #expect(problems(Self.good, extra: "state: {tension: {initial: strike_p}}") == [
            "test.yaml:13:28: error: state.tension.initial: expected a number, fixed before the run (a calibrated parameter changes from run to run), found the calibrated parameter 'strike_p'",
        ])
    }

    @Test func priorsAreChecked() {
        #expect(problems("  p: {label: l, prior: {beta: [0, 2]}}\n" + Self.good).first
                == "test.yaml:10:31: error: parameters.p.prior.beta: expected two shape parameters greater than 0, found [0, 2]")
        #expect(problems("  p: {label: l, prior: {betta: [1, 2]}}\n" + Self.good).first
                == "test.yaml:10:25: error: parameters.p.prior: expected a prior (uniform, log_uniform, beta, lognormal, gamma, normal), found 'betta'; did you mean 'beta'?")
        #expect(problems("  p: {label: l, prior: {uniform: [1, 1]}}\n" + Self.good).first
                == "test.yaml:10:34: error: parameters.p.prior.uniform: expected a lower end below the upper end, found [1, 1]")
    }

    /// The priors' densities, quantiles and maps to the real line agree with each other.
    @Test(arguments: [
        try! Prior(kind: .uniform, a: 0.2, b: 0.9), try! Prior(kind: .logUniform, a: 0.01, b: 1), try! Prior(kind: .beta, a: 2, b: 5),
        try! Prior(kind: .lognormal, a: 0.05, b: 1), try! Prior(kind: .gamma, a: 3, b: 2), try! Prior(kind: .normal, a: 1, b: 2),
    ])
    func priorsAreConsistent(_ prior: Prior) {
        for p in [0.1, 0.5, 0.9] {
            let x = prior.quantile(p)
            #expect(abs(prior.constrained(prior.unconstrained(x)) - x) <= 1e-9 * max(1, abs(x)), "\(prior) round trip at \(x)")
            // The density on the real line integrates to the prior's probability: check the
            // derivative of the quantile against it numerically.
            let h = 1e-5
            let slope = (prior.quantile(p + h) - prior.quantile(p - h)) / (2 * h)
            #expect(abs(prior.density(x) * slope - 1) < 1e-3, "\(prior) density at \(x)")
            // The density on the unconstrained scale is the density times |dθ/du|.
            let u = prior.unconstrained(x)
            let jacobian = (prior.constrained(u + h) - prior.constrained(u - h)) / (2 * h)
            #expect(abs(prior.logDensityUnconstrained(u) - log(prior.density(x) * jacobian)) < 1e-6, "\(prior) at u = \(u)")
        }
        // Far out on the real line, where θ rounds to its bound, the log density stays finite.
        for u in [-60.0, 60] { #expect(prior.logDensityUnconstrained(u).isFinite || prior.kind == .gamma || prior.kind == .lognormal) }
        #expect(prior.unconstrained(prior.kind == .normal ? -1 : (prior.kind == .uniform ? 0.2 : (prior.kind == .logUniform ? 0.01 : 0))).isFinite)
        let stream = RandomStream(seed: 5)
        let n = 40_000
        let below = (0..<n).filter { _ in prior.sample(stream) < prior.median }.count
        #expect(abs(Double(below) / Double(n) - 0.5) <= Tolerance.proportion(0.5, n: n))
    }

    @Test func documentedObservationsKeepTheRecordsRange() throws {
        let l = try loaded(Self.good, extra: """
            observations:
              a: {at: 7, value: count(attack), documented: "at_least(@2020-03-14-taji.count + @2020-03-17-taji.count)"}
              b: {at: 7, value: count(attack), documented: "@2020-03-kh-dozen-attacks.count"}
              c: {at: 7, value: count(attack), documented: 3}
            """)
        #expect(l.scenario.observations.map(\.documentedRange) == [2...Double.infinity, 10...14, 3...3])
        #expect(l.scenario.observations.map(\.documented) == [2, 10, 3])
        #expect(l.scenario.observations[0].source == "at_least(@2020-03-14-taji.count + @2020-03-17-taji.count)")
    }

    @Test func theAuditFindsNumbersWithoutAnOriginAndSparesTheFrame() throws {
        let l = try loaded(Self.good + "\n  bare: 3", extra: """
            constants: {k: 2}
            state: {tension: {initial: 0, min: 0, max: 1}}
            outcomes:
              war: {when: max_rung >= 9}
              hot: {when: tension > 0.5}
            interventions: {x: {at: 2020-03-20, note: "12 rockets", add: {tension: 0.1}}}
            """)
        let found = l.unlabelled.map { "\($0.location.line):\($0.location.column) \($0.path): \($0.found)" }
        #expect(found == [
            "13:9 parameters.bare: the bare number 3",
            "13:9 parameters.bare: none",
            "14:13 constants.k: the constant k",
            "18:25 outcomes.hot.when: the unlabelled number 0.5 in 'tension > 0.5'",
            "19:72 interventions.x.add.tension: the unlabelled number 0.1",
        ].map { $0 })
    }

    @Test func aPosteriorFileIsCheckedAndItsDrawsFollowTheWeights() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("p.csv").path
        try "draw,weight,strike_p,other\n0,1,0.2,5\n1,3,0.8,5\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ScenarioError.self) { try PosteriorFile.read(path: path, names: ["strike_p"]) }
        do {
            _ = try PosteriorFile.read(path: path, names: ["strike_p"])
        } catch let error as ScenarioError {
            #expect(error.diagnostics.map(\.description) == [
                "\(path):1:22: error: header: expected a calibrated parameter of the scenario (strike_p), found 'other'",
            ])
        }
        // A pinned parameter's column is left alone.
        let posterior = try PosteriorFile.read(path: path, names: ["strike_p"], ignored: ["other"])
        #expect(posterior.weights == [0.25, 0.75])
        #expect(PosteriorFile.text(posterior) == "draw,weight,strike_p\n0,0.25,0.2\n1,0.75,0.8\n")
        // Draws chosen from replication seeds follow the weights.
        let n = 20_000
        let second = (0..<n).filter { posterior.drawIndex(forSeed: replicationSeed(master: 9, index: $0)) == 1 }.count
        #expect(abs(Double(second) / Double(n) - 0.75) <= Tolerance.proportion(0.75, n: n))
        try "draw,weight,strike_p\n0,-1,x\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try PosteriorFile.read(path: path, names: ["strike_p"])
            Issue.record("expected problems")
        } catch let error as ScenarioError {
            #expect(error.diagnostics.map(\.description) == [
                "\(path):2:3: error: weight: expected a weight of 0 or more, found '-1'",
                "\(path):2:6: error: strike_p: expected a finite number, found 'x'",
            ])
        }
        // A draw outside its prior's support (a probability of 1.7) is refused.
        try "draw,weight,strike_p\n0,1,0.5\n1,1,1.7\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try PosteriorFile.read(path: path, names: ["strike_p"], supports: [0...1])
            Issue.record("expected problems")
        } catch let error as ScenarioError {
            #expect(error.diagnostics.map(\.description) == ["\(path):3:5: error: strike_p: expected a value its prior allows (0 to 1), found '1.7'"])
        }
    }
}
