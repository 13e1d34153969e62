import EscalationModel
import Foundation
import ScenarioIO
import TestSupport
import Testing

/// `extends:`, `include:` and `--set`: what-ifs stay short and overrides are checked like files.
struct LoadingTests {
    func write(_ files: [String: String]) throws -> URL {
        let dir = try temporaryDirectory()
        for (name, text) in files {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return dir
    }

    static let parent = """
        title: Parent
        horizon: 30
        actors: {us: {name: US}, kh: {name: KH}}
        state: {tension: {initial: 0.5, min: 0, max: 1}}
        actions:
          rockets: {actor: kh, target: us, rung: 4, casualties: {us_killed: 1}}
          strike: {actor: us, target: kh, rung: 5}
        processes: {fire: {action: rockets, rate: 0.1}}
        policies:
          us_default: {actor: us, rules: [{strategy: tit_for_tat, probability: 0.5, delay: 1}]}
        """

    @Test func extendsMergesMappingsKeyByKeyAndReplacesOtherValues() throws {
        let dir = try write([
            "parent.yaml": Self.parent,
            "child.yaml": """
                extends: parent.yaml
                title: Child
                actions:
                  rockets: {rung: 3}
                  drone: {actor: kh, target: us, rung: 2}
                processes: {fire: ~}
                policies:
                  us_default: {rules: [{strategy: restraint}]}
                """,
        ])
        let s = try ScenarioLoader.load(path: dir.appendingPathComponent("child.yaml").path).scenario
        #expect(s.title == "Child")
        #expect(s.name == "child")
        #expect(s.actions.map(\.id) == ["rockets", "strike", "drone"])
        #expect(s.actions[0].rung == 3)
        #expect(s.actions[0].casualties.count == 1)      // kept from the parent
        #expect(s.processes.isEmpty)                     // removed with ~
        #expect(s.policies[0].rules.map(\.strategy) == [.restraint])   // lists are replaced whole
    }

    @Test func problemsInAnExtendingFileNameThatFile() throws {
        let dir = try write(["parent.yaml": Self.parent, "child.yaml": "extends: parent.yaml\nactions:\n  rockets: {rung: 12}\n"])
        let child = dir.appendingPathComponent("child.yaml").path
        do {
            _ = try ScenarioLoader.load(path: child)
            Issue.record("expected an error")
        } catch let error as ScenarioError {
            #expect(error.diagnostics.map(\.description) == [
                "\(child):3:19: error: actions.rockets.rung: expected an integer rung from 0 to 9, found '12'",
            ])
        }
    }

    @Test func includeMergesParameterFilesBeforeTheFileItself() throws {
        let dir = try write([
            "params.yaml": "processes: {fire: {action: rockets, rate: 0.4}}\nstate: {tension: {initial: 0.9}}\n",
            "main.yaml": Self.parent + "\ninclude: params.yaml\n",
        ])
        let s = try ScenarioLoader.load(path: dir.appendingPathComponent("main.yaml").path).scenario
        // The file's own values win over the include's.
        #expect(s.processes[0].rate == .constant(.constant(0.1)))
        #expect(s.stateVariables[0].initial == 0.5)
        let dir2 = try write([
            "params.yaml": "processes: {fire: {action: rockets, rate: 0.4}}\n",
            "parent.yaml": Self.parent,
            "main.yaml": "extends: parent.yaml\ninclude: [params.yaml]\n",
        ])
        let s2 = try ScenarioLoader.load(path: dir2.appendingPathComponent("main.yaml").path).scenario
        #expect(s2.processes[0].rate == .constant(.constant(0.4)))
    }

    @Test func aMissingExtendedFileIsReportedWhereItIsNamed() throws {
        let dir = try write(["child.yaml": "extends: nowhere.yaml\n"])
        do {
            _ = try ScenarioLoader.load(path: dir.appendingPathComponent("child.yaml").path)
            Issue.record("expected an error")
        } catch let error as ScenarioError {
            #expect(error.diagnostics.map(\.description) == [
                "\(dir.path)/child.yaml:1:10: error: expected a readable scenario file, found no such file at '\(dir.path)/nowhere.yaml'",
            ])
        }
    }

    @Test func aMissingScenarioFileIsAReadError() {
        #expect(throws: SourceReadError.self) { try ScenarioLoader.load(path: "/no/such/scenario.yaml") }
    }

    @Test func overridesSetValuesAtKeyPathsAndListIndices() throws {
        let dir = try write(["s.yaml": Self.parent])
        let path = dir.appendingPathComponent("s.yaml").path
        let s = try ScenarioLoader.load(path: path, overrides: [
            try Override(parsing: "actions.rockets.rung=2"),
            try Override(parsing: "policies.us_default.rules.0.probability=0.25"),
            try Override(parsing: "processes.fire.rate=0.3 * tension"),
            try Override(parsing: "processes.fire.max_rate=0.3"),
            try Override(parsing: "actions.strike.casualties={militia_killed: {poisson: 2}}"),
        ]).scenario
        #expect(s.actions[0].rung == 2)
        #expect(s.policies[0].rules[0].probability == .constant(0.25))
        guard case .dependent(let e, .constant(0.3)) = s.processes[0].rate else { Issue.record("rate"); return }
        #expect(e.source == "0.3 * tension")
        #expect(s.actions[1].casualties.count == 1)
    }

    @Test func overridesOfPathsThatDoNotExistAreUsageErrors() throws {
        let dir = try write(["s.yaml": Self.parent])
        let path = dir.appendingPathComponent("s.yaml").path
        #expect(throws: OverrideError.self) {
            try ScenarioLoader.load(path: path, overrides: [Override(parsing: "actions.rocket.rung=2")])
        }
        #expect(throws: OverrideError.self) {
            try ScenarioLoader.load(path: path, overrides: [Override(parsing: "policies.us_default.rules.3.delay=2")])
        }
        #expect(throws: OverrideError.self) { try Override(parsing: "actions.rockets.rung") }
        #expect(throws: OverrideError.self) { try Override(parsing: "actions..rung=3") }
        do {
            _ = try ScenarioLoader.load(path: path, overrides: [Override(parsing: "actions.rocket.rung=2")])
        } catch let error as OverrideError {
            #expect(error.description == "--set actions.rocket.rung=2: no key 'rocket' under actions (did you mean 'rockets'?)")
        }
    }

    /// Every scenario under Scenarios/ (not the parameter files under Scenarios/params/) loads and
    /// runs 1,000 replications, each ending in an outcome it declares or in `unresolved`.
    @Test func everyBundledScenarioValidatesAndRuns() throws {
        let root = repositoryPath("Scenarios")
        let files = FileManager.default.enumerator(atPath: root)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".yaml") && !$0.hasPrefix("params/") }
        #expect(files.count >= 11)
        for file in files {
            let loaded = try ScenarioLoader.load(path: root + "/" + file)
            let scenario = loaded.scenario
            // Every number of every bundled scenario but the benchmark's says where it comes from,
            // and every calibrated one draws from its shipped posterior.
            if !file.hasPrefix("bench/") {
                #expect(loaded.unlabelled.isEmpty, "\(file): \(loaded.unlabelled.first?.description ?? "")")
                if scenario.parameters.count > 0 { #expect(loaded.posterior.drawsFrom != nil, "\(file)") }
            }
            let simulator = Simulator(scenario: scenario)
            for k in 0..<1000 {
                let r = simulator.run(seed: UInt64(k))
                #expect(r.outcome != scenario.runawayOutcome, "\(file) seed \(k)")
                #expect(!r.rateExceeded, "\(file) seed \(k)")
                if r.outcome == scenario.runawayOutcome || r.rateExceeded { break }
            }
        }
    }

    @Test func listsArePatchedByIndexAndTaggedValuesReplacedWhole() throws {
        let dir = try write([
            "parent.yaml": Self.parent,
            "child.yaml": """
                extends: parent.yaml
                state: {mood: {initial: 1}}
                policies:
                  us_default:
                    rules:
                      0: {probability: 0.25, delay: {gamma: {shape: 2, mean: 3}}}
                      1: {strategy: restraint}
                """,
        ])
        let s = try ScenarioLoader.load(path: dir.appendingPathComponent("child.yaml").path).scenario
        let rules = s.policies[0].rules
        #expect(rules.count == 2)
        #expect(rules[0].probability == .constant(0.25))
        #expect(rules[0].strategy == .titForTat)                       // kept from the parent
        #expect(rules[0].delay?.kind == .gamma)                        // replaced whole, not merged with `1`
        #expect(rules[1].strategy == .restraint)                       // appended one past the end
        let removal = try write(["parent.yaml": Self.parent, "child.yaml": "extends: parent.yaml\npolicies:\n  us_default:\n    rules:\n      0: ~\n"])
        #expect(try ScenarioLoader.load(path: removal.appendingPathComponent("child.yaml").path).scenario.policies[0].rules.isEmpty)
        let wrong = try write(["parent.yaml": Self.parent, "child.yaml": "extends: parent.yaml\npolicies:\n  us_default:\n    rules:\n      5: {strategy: restraint}\n"])
        do {
            _ = try ScenarioLoader.load(path: wrong.appendingPathComponent("child.yaml").path)
            Issue.record("expected an error")
        } catch let error as ScenarioError {
            #expect(error.diagnostics.map(\.description) == [
                "\(wrong.path)/child.yaml:5:7: error: expected an index from 0 to 1 (the list has 1 items), found 5",
            ])
        }
    }

    @Test func constantsStandForTheirValuesAndComeFromIncludedFiles() throws {
        let dir = try write([
            "params.yaml": "constants:\n  base_rate: 0.25\n  lethality: 2\n",
            "main.yaml": Self.parent + "\ninclude: params.yaml\n",
        ])
        var text = try String(contentsOf: dir.appendingPathComponent("main.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "processes: {fire: {action: rockets, rate: 0.1}}",
                                         with: "processes: {fire: {action: rockets, rate: base_rate * 2}}")
            .replacingOccurrences(of: "casualties: {us_killed: 1}", with: "casualties: {us_killed: {poisson: lethality}}")
        try text.write(to: dir.appendingPathComponent("main.yaml"), atomically: true, encoding: .utf8)
        let s = try ScenarioLoader.load(path: dir.appendingPathComponent("main.yaml").path).scenario
        #expect(s.processes[0].rate == .constant(.constant(0.5)))                // folded at load: no thinning needed
        #expect(s.actions[0].casualties[0].draw.constantDistribution == .poisson(mean: 2))
        #expect(diagnostics("constants: {day: 1}\n" + DiagnosticTests.base) == [
            "test.yaml:1:18: error: constants.day: expected a constant name that is not a word of the expression language, found 'day'",
        ])
    }
}
