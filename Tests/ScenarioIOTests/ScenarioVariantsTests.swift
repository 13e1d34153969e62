import EscalationModel
import Foundation
import ScenarioIO
import TestSupport
import Testing

/// A scenario read once and compiled under many overrides is the scenario the loader gives.
struct ScenarioVariantsTests {
    let flagship = repositoryPath("Scenarios/taji-2020.yaml")

    @Test(arguments: [
        [String](),
        ["parameters.kh_control.value=0.5"],
        // A calibrated parameter pinned: the posterior is read without its column.
        ["parameters.kh_attack_rate.value=0.05", "parameters.tension_baseline.value=0.45"],
    ])
    func aVariantIsTheLoadedScenario(_ sets: [String]) throws {
        let shared = [try Override(parsing: "parameters.host_tolerance_start.value=0.3")]
        let overrides = try sets.map { try Override(parsing: $0) }
        let variants = try ScenarioVariants(path: flagship, overrides: shared)
        let variant = try variants.scenario(overrides)
        let loaded = try ScenarioLoader.load(path: flagship, overrides: shared + overrides).scenario
        #expect(variant.parameters == loaded.parameters)
        #expect(variant.replicate(40) == loaded.replicate(40))
        // The cached posterior serves the next variant the same.
        #expect(try variants.scenario(overrides).replicate(10) == loaded.replicate(10))
    }

    @Test func aVariantThatDoesNotCompileSaysWhy() throws {
        let variants = try ScenarioVariants(path: flagship)
        #expect(throws: ScenarioError.self) { try variants.scenario([try Override(parsing: "parameters.kh_control.value=2")]) }
    }
}
