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
        #expect(s.processes[0].rate == .constant(0.1))
        #expect(s.stateVariables[0].initial == 0.5)
        let dir2 = try write([
            "params.yaml": "processes: {fire: {action: rockets, rate: 0.4}}\n",
            "parent.yaml": Self.parent,
            "main.yaml": "extends: parent.yaml\ninclude: [params.yaml]\n",
        ])
        let s2 = try ScenarioLoader.load(path: dir2.appendingPathComponent("main.yaml").path).scenario
        #expect(s2.processes[0].rate == .constant(0.4))
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
        guard case .dependent(let e, 0.3) = s.processes[0].rate else { Issue.record("rate"); return }
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

    @Test func everyBundledScenarioValidates() throws {
        let root = repositoryPath("Scenarios")
        let files = FileManager.default.enumerator(atPath: root)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 3)
        for file in files {
            #expect(throws: Never.self, "\(file)") { try ScenarioLoader.load(path: root + "/" + file) }
        }
    }
}
