import EscalationModel
import Foundation
import ScenarioIO

let path = CommandLine.arguments.dropFirst().first ?? "Scenarios/bench/toy.yaml"
let runs = Int(CommandLine.arguments.dropFirst(2).first ?? "") ?? 20000
let scenario = try ScenarioLoader.load(path: path).scenario
let simulator = Simulator(scenario: scenario)
var events = 0, actions = 0
var outcomes = [Int](repeating: 0, count: scenario.outcomeNames.count)
var ledger = [Double](repeating: 0, count: scenario.counters.count)
var counts = [Int](repeating: 0, count: scenario.actions.count)
var maxRung = [Int](repeating: 0, count: 10)
let start = Date()
for k in 0..<runs {
    let r = simulator.run(seed: UInt64(k))
    events += r.kernelEvents
    actions += r.actions
    outcomes[r.outcome] += 1
    for i in ledger.indices { ledger[i] += r.ledger[i] }
    for i in counts.indices { counts[i] += r.actionCounts[i] }
    if r.maxRung >= 0 { maxRung[r.maxRung] += 1 }
}
let elapsed = Date().timeIntervalSince(start)
print("\(runs) runs, \(events) events, \(actions) actions in \(elapsed) s: \(Double(events) / elapsed / 1e6) M events/s, \(Double(runs)/elapsed) runs/s")
if CommandLine.arguments.count > 3 {
    for (i, n) in scenario.outcomeNames.enumerated() { print("outcome", n, Double(outcomes[i]) / Double(runs)) }
    for (i, c) in scenario.counters.enumerated() where ledger[i] > 0 { print("mean", c.name, ledger[i] / Double(runs)) }
    for (i, a) in scenario.actions.enumerated() { print("count", a.id, Double(counts[i]) / Double(runs)) }
    print("max rung", maxRung.map { Double($0) / Double(runs) })
}
