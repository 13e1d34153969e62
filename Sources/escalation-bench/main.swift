import EscalationModel
import Foundation
import ScenarioIO

let path = CommandLine.arguments.dropFirst().first ?? "Scenarios/bench/toy.yaml"
let runs = Int(CommandLine.arguments.dropFirst(2).first ?? "") ?? 20000
let scenario = try ScenarioLoader.load(path: path).scenario
let simulator = Simulator(scenario: scenario)
var events = 0, actions = 0
let start = Date()
for k in 0..<runs {
    let r = simulator.run(seed: UInt64(k))
    events += r.kernelEvents
    actions += r.actions
}
let elapsed = Date().timeIntervalSince(start)
print("\(runs) runs, \(events) events, \(actions) actions in \(elapsed) s: \(Double(events) / elapsed / 1e6) M events/s, \(Double(runs)/elapsed) runs/s")
