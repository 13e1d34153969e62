import Foundation
import TestSupport
import Testing

/// `escalation paths` lists what --set can change, with names people use, and every path it
/// lists is one --set accepts.
@Suite struct PathsCommandTests {
    @Test func everyListedPathIsSettableAndLabelled() throws {
        let taji = repositoryPath("Scenarios/taji-2020.yaml")
        let r = try runEscalation(["paths", taji, "--numbers", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "path,named_path,value,label")
        #expect(lines.contains { $0.hasPrefix("parameters.kh_control.value,,0.7,share of Iran") })
        // A calibrated parameter has no value written, yet setting one pins it: it is listed.
        #expect(lines.contains { $0.hasPrefix("parameters.us_strike_p.value,,(calibrated: drawn from its posterior),chance the US") })
        // A rule's probability, by index and by name, labelled by the parameter that stands there.
        let rule = try #require(lines.first { $0.hasPrefix("policies.us_limited.rules.2.probability,") })
        #expect(rule.contains("policies.us_limited.rules.Americans or allies killed by KH.probability"))
        #expect(rule.contains("chance the US strikes Kataib Hezbollah after a KH attack that kills Americans or allies"))
        // Both forms of a listed path set the same value.
        let byIndex = try runEscalation(["run", taji, "--seed", "3", "--set", "policies.us_limited.rules.2.probability=1"])
        let byName = try runEscalation(["run", taji, "--seed", "3", "--set",
                                        "policies.us_limited.rules.Americans or allies killed by KH.probability=1"])
        #expect(byIndex.status == 0 && byIndex.stdout == byName.stdout)
        let text = try runEscalation(["paths", taji])
        #expect(text.status == 0)
        for line in text.stdout.split(separator: "\n") { #expect(line.count <= 100, "\(line)") }
        #expect(text.stdout.contains("parameters.kh_control.assumption.0 = 0.4\n    share of Iran's directions Kataib Hezbollah carries out: low end of its assumed range"))
    }
}
