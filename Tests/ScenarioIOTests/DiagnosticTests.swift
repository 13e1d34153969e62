import ScenarioIO
import TestSupport
import Testing

/// Every kind of problem a scenario can have is reported before anything runs, with file,
/// line, column, key path, what was expected and what was found, and every problem is listed.
struct DiagnosticTests {
    /// A small valid scenario; tests break one part of it.
    static let base = """
        horizon: 30
        actors:
          us: {name: US}
          kh: {name: KH}
        actions:
          rockets: {actor: kh, target: us, rung: 4}
          strike: {actor: us, target: kh, rung: 5}
        """

    @Test func theBaseScenarioIsValid() {
        #expect(diagnostics(Self.base).isEmpty)
    }

    @Test func unknownKeysGetADidYouMean() {
        #expect(diagnostics(Self.base + "\n  hit: {actor: kh, target: us, rnug: 4}") == [
            "test.yaml:8:8: error: actions.hit: expected a key 'rung' (an integer from 0 to 9), found none",
            "test.yaml:8:32: error: actions.hit: expected a key of an action (actor, target, rung, narrative, casualties, interception, effects, triggers), found 'rnug'; did you mean 'rung'?",
        ])
        #expect(diagnostics(Self.base + "\nhorizn: 3").first
                == "test.yaml:8:1: error: expected a key of a scenario (name, title, summary, record, start, horizon, max_events, rungs, constants, parameters, sides, actors, state, actions, processes, policies, interventions, outcomes, observations, calibration, hindcast), found 'horizn'; did you mean 'horizon'?")
    }

    @Test func wrongTypesSayWhatWasExpected() {
        #expect(diagnostics(Self.base + "\nstate: {tension: {initial: high}}") == [
            "test.yaml:8:28: error: state.tension.initial: expected a number, found 'high'",
        ])
        #expect(diagnostics(Self.base + "\nprocesses: [rockets]") == [
            "test.yaml:8:12: error: processes: expected a mapping of processes by name, found a list",
        ])
        #expect(diagnostics(Self.base + "\nmax_events: many") == [
            "test.yaml:8:13: error: max_events: expected a whole number of events from 1 to 1000000, found 'many'",
        ])
    }

    @Test func referencesToMissingActorsAndActionsAreNamed() {
        #expect(diagnostics(Self.base + "\n  drone: {actor: hk, target: uss, rung: 2}") == [
            "test.yaml:8:18: error: actions.drone.actor: expected the name of an actor, found 'hk'; did you mean 'kh'?",
            "test.yaml:8:30: error: actions.drone.target: expected the name of an actor, found 'uss'; did you mean 'us'?",
        ])
        #expect(diagnostics(Self.base + "\nprocesses: {fire: {action: rocket, rate: 1}}") == [
            "test.yaml:8:28: error: processes.fire.action: expected the name of an action, found 'rocket'; did you mean 'rockets'?",
        ])
    }

    @Test func rungsOutOfRangeAreRefused() {
        #expect(diagnostics(Self.base.replacingOccurrences(of: "rung: 5", with: "rung: 10")) == [
            "test.yaml:7:41: error: actions.strike.rung: expected an integer rung from 0 to 9, found '10'",
        ])
        #expect(diagnostics(Self.base.replacingOccurrences(of: "rung: 4", with: "rung: -1")) == [
            "test.yaml:6:42: error: actions.rockets.rung: expected an integer rung from 0 to 9, found '-1'",
        ])
    }

    @Test func negativeRatesAreRefused() {
        #expect(diagnostics(Self.base + "\nprocesses: {fire: {action: rockets, rate: -0.2}}") == [
            "test.yaml:8:43: error: processes.fire.rate: expected a rate of 0 or more events per day (or an expression), found -0.2",
        ])
        #expect(diagnostics(Self.base + "\nprocesses: {fire: {action: rockets, rate: {piecewise: [{from: 0, rate: 0.1}, {from: 10, rate: -1}]}}}") == [
            "test.yaml:8:95: error: processes.fire.rate.piecewise.1.rate: expected a rate of 0 or more events per day, found -1",
        ])
        #expect(diagnostics(Self.base + "\nprocesses: {fire: {action: rockets, rate: 0.1 * day}}") == [
            "test.yaml:8:19: error: processes.fire: expected a key 'max_rate' (the most the rate can be, for thinning), found none",
        ])
    }

    @Test func badDistributionsAreDescribed() {
        let casualties = { (d: String) in Self.base.replacingOccurrences(of: "rung: 4}", with: "rung: 4, casualties: {us_killed: \(d)}}") }
        #expect(diagnostics(casualties("{gama: {shape: 2, scale: 1}}")) == [
            "test.yaml:6:70: error: actions.rockets.casualties.us_killed: expected a distribution (fixed, uniform, exponential, gamma, lognormal, poisson, negative_binomial, bernoulli, discrete), found 'gama'; did you mean 'gamma'?",
        ])
        #expect(diagnostics(casualties("{gamma: {shape: -1, scale: 1}}")) == [
            "test.yaml:6:69: error: actions.rockets.casualties.us_killed: expected gamma with shape greater than 0, found -1",
        ])
        #expect(diagnostics(casualties("{uniform: {min: -2, max: 1}}")) == [
            "test.yaml:6:69: error: actions.rockets.casualties.us_killed: expected a distribution that never draws below 0, found uniform with a minimum of -2",
        ])
        #expect(diagnostics(casualties("{discrete: {values: [0, 1], weights: [1]}}")) == [
            "test.yaml:6:80: error: actions.rockets.casualties.us_killed.discrete: expected as many weights as values, each 0 or more, not all 0, found 2 values and 1 weights",
        ])
        #expect(diagnostics(casualties("{gamma: {shape: 2}}")) == [
            "test.yaml:6:77: error: actions.rockets.casualties.us_killed.gamma: expected exactly one of scale and mean beside shape, found neither",
        ])
        #expect(diagnostics(casualties("{poisson: {mean: 1, sd: 2}}")) == [
            "test.yaml:6:89: error: actions.rockets.casualties.us_killed.poisson: expected a key of this distribution (mean), found 'sd'",
        ])
    }

    @Test func cyclesInExtendsAreFound() throws {
        let dir = try temporaryDirectory()
        try "extends: b.yaml\nhorizon: 10\n".write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try "extends: c.yaml\n".write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        try "extends: a.yaml\n".write(to: dir.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
        let path = dir.appendingPathComponent("a.yaml").path
        #expect(throws: ScenarioError.self) { try ScenarioLoader.load(path: path) }
        do {
            _ = try ScenarioLoader.load(path: path)
        } catch let error as ScenarioError {
            #expect(error.diagnostics.map(\.description) == [
                "\(dir.path)/c.yaml:1:10: error: extends: expected a chain of extends: without cycles, found a.yaml → b.yaml → c.yaml → a.yaml",
            ])
        }
    }

    @Test func expressionSyntaxErrorsPointIntoTheExpression() {
        let text = Self.base.replacingOccurrences(of: "rung: 4}", with: "rung: 4, effects: {tension: \"0.1 * (1 + \"}}") + "\nstate: {tension: 0}"
        #expect(diagnostics(text) == [
            "test.yaml:6:76: error: actions.rockets.effects.tension: expected an operand (a number, a name or '('), found the end of the expression",
        ])
        let compare = Self.base + "\noutcomes: {war: {when: max_rung = 9}}"
        #expect(diagnostics(compare) == [
            "test.yaml:8:33: error: outcomes.war.when: expected an operator, found '='; compare with '==', not '='",
        ])
        let chained = Self.base + "\noutcomes: {war: {when: 1 < day < 3}}"
        #expect(diagnostics(chained) == [
            "test.yaml:8:32: error: outcomes.war.when: expected 'and' between two comparisons, found a second '<'",
        ])
        let trailing = Self.base + "\noutcomes: {war: {when: max_rung >= 9 and}}"
        #expect(diagnostics(trailing) == [
            "test.yaml:8:41: error: outcomes.war.when: expected an operand (a number, a name or '('), found the end of the expression",
        ])
    }

    @Test func unknownNamesInExpressionsGetSuggestions() {
        let text = Self.base + "\nstate: {tension: 0}\noutcomes: {hot: {when: tensoin > 0.9 or total.us_kiled > 3 or count(rocket) > 2}}"
        #expect(diagnostics(text) == [
            "test.yaml:9:24: error: outcomes.hot.when: expected a state variable, a parameter, a constant, total.<counter>, event.<field>, max_rung, day or a function, found 'tensoin'; did you mean 'tension'?",
        ])
        let total = Self.base + "\noutcomes: {hot: {when: total.us_kiled > 3}}"
        #expect(diagnostics(total) == [
            "test.yaml:8:30: error: outcomes.hot.when: expected a ledger counter after total., found 'us_kiled'; did you mean 'us_killed'?",
        ])
        let count = Self.base + "\noutcomes: {hot: {when: count(rocket) > 2}}"
        #expect(diagnostics(count) == [
            "test.yaml:8:30: error: outcomes.hot.when: expected an action, found 'rocket'; did you mean 'rockets'?",
        ])
        let event = Self.base + "\nprocesses: {fire: {action: rockets, rate: 0.1 * event.rung, max_rate: 1}}"
        #expect(diagnostics(event) == [
            "test.yaml:8:49: error: processes.fire.rate: expected no event.* here (there is no current event), found event.rung",
        ])
    }

    @Test func everyErrorInAFileIsListedInOrder() {
        let text = """
            horizon: -5
            actors:
              us: {name: US}
              kh: {name: KH, sponsor: irn}
            actions:
              rockets: {actor: kh, target: us, rung: 11}
            policies:
              p: {actor: us, rules: [{strategy: tit_for_tatt, delay: 1}]}
            """
        #expect(diagnostics(text) == [
            "test.yaml:1:10: error: horizon: expected a number of days greater than 0, or an end date, found -5",
            "test.yaml:4:27: error: actors.kh.sponsor: expected the name of an actor, found 'irn'",
            "test.yaml:6:42: error: actions.rockets.rung: expected an integer rung from 0 to 9, found '11'",
            "test.yaml:8:37: error: policies.p.rules.0.strategy: expected a strategy (tit_for_tat, proportional, generous_tit_for_tat, tit_for_two_tats, grim_trigger, fixed, restraint), found 'tit_for_tatt'; did you mean 'tit_for_tat'?",
        ])
    }

    @Test func policyRulesAreCheckedAgainstTheirStrategyAndActor() {
        let rules = { (r: String) in Self.base + "\npolicies:\n  p: {actor: us, rules: [\(r)]}" }
        #expect(diagnostics(rules("{strategy: proportional, delay: 1}")) == [
            "test.yaml:9:26: error: policies.p.rules.0: expected a key 'offset' (rungs added to the rung received, negative to de-escalate), found none",
        ])
        #expect(diagnostics(rules("{strategy: tit_for_tat, forgive: 0.2, delay: 1}")) == [
            "test.yaml:9:59: error: policies.p.rules.0.forgive: expected forgive only with strategy generous_tit_for_tat, found strategy tit_for_tat",
        ])
        #expect(diagnostics(rules("{strategy: fixed, action: rockets, delay: 1}")) == [
            "test.yaml:9:52: error: policies.p.rules.0.action: expected an action of us, found 'rockets', an action of kh",
        ])
        #expect(diagnostics(rules("{strategy: tit_for_tat}")) == [
            "test.yaml:9:26: error: policies.p.rules.0: expected a key 'delay' (days before the answer), found none",
        ])
        #expect(diagnostics(rules("{strategy: tit_for_tat, probability: 1.5, delay: 1}")) == [
            "test.yaml:9:63: error: policies.p.rules.0.probability: expected a probability from 0 to 1 (or an expression), found 1.5",
        ])
        #expect(diagnostics(rules("{strategy: tit_for_tat, delay: -1}")) == [
            "test.yaml:9:57: error: policies.p.rules.0.delay: expected a number of 0 or more, or a distribution, found -1",
        ])
    }

    @Test func aRuleThatNamesAnAttackerNeedsAnAnswerAimedAtIt() {
        let text = """
            horizon: 30
            actors: {us: {name: US}, kh: {name: KH}, aah: {name: AAH}}
            actions:
              rockets: {actor: kh, target: us, rung: 4}
              strike: {actor: us, target: kh, rung: 5}
            policies:
              p: {actor: us, rules: [{from: [kh, aah], strategy: tit_for_tat, delay: 1}]}
            """
        #expect(diagnostics(text) == [
            "test.yaml:7:33: error: policies.p.rules.0.from: expected an action of us aimed at aah to answer with, found none; add one, or list the answers in answer_with",
        ])
    }

    @Test func statesInterventionsAndOutcomesAreChecked() {
        #expect(diagnostics(Self.base + "\nstate: {t: {initial: 2, min: 0, max: 1}}") == [
            "test.yaml:8:22: error: state.t.initial: expected an initial value from 0 to 1, found 2",
        ])
        #expect(diagnostics(Self.base + "\nstate: {t: {initial: 0.5, half_life: 10}}") == [
            "test.yaml:8:38: error: state.t.half_life: expected a baseline: to relax toward beside half_life, found none",
        ])
        #expect(diagnostics(Self.base + "\nstate: {day: 1}") == [
            "test.yaml:8:14: error: state.day: expected a state variable name that is not a word of the expression language, found 'day'",
        ])
        #expect(diagnostics(Self.base + "\ninterventions: {x: {at: 2020-01-01, inject: rockets}}") == [
            "test.yaml:8:25: error: interventions.x.at: expected a day number (a date needs the scenario's start: date), found '2020-01-01'",
        ])
        #expect(diagnostics(Self.base + "\ninterventions: {x: {at: 3, policy: {us: nope}}}") == [
            "test.yaml:8:41: error: interventions.x.policy.us: expected the name of a policy, found 'nope'",
        ])
        #expect(diagnostics(Self.base + "\noutcomes: {calm: {quiet_days: 10, when: day > 3}}") == [
            "test.yaml:8:18: error: outcomes.calm: expected exactly one of when: (a condition) and quiet_days:, found both",
        ])
        #expect(diagnostics(Self.base + "\noutcomes: {runaway: {when: day > 3}}") == [
            "test.yaml:8:21: error: outcomes.runaway: expected an outcome name other than unresolved, runaway and invalid (they are built in), found 'runaway'",
        ])
    }

    @Test func yamlSyntaxErrorsAndDuplicateKeysAreDiagnostics() {
        #expect(diagnostics("horizon: 10\nactors:\n  us: {name: US\n  kh: {name: KH}\n") == [
            "test.yaml:4:5: error: expected valid YAML, found did not find expected ',' or '}' (while parsing a flow mapping at line 3)",
        ])
        #expect(diagnostics("horizon: 10\nhorizon: 11\n") == [
            "test.yaml:2:1: error: expected each key once in a mapping, found 'horizon' more than once",
        ])
        #expect(diagnostics("horizon: 10\nactors: {us: {name: US}, us: {name: again}}\n") == [
            "test.yaml:2:26: error: expected each key once in a mapping, found 'us' more than once",
        ])
        #expect(diagnostics("horizon: 10\n---\nhorizon: 11\n") == [
            "test.yaml:2:1: error: expected one document in the file, found a second one ('---')",
        ])
        #expect(diagnostics("horizon: &h 10\nmax_events: *h\ntitle: *t\n") == [
            "test.yaml:3:8: error: expected an anchor (&t) before its alias, found '*t' with none",
        ])
    }
}
