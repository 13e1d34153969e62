import EscalationModel
import Foundation
import ScenarioIO
import Stochastics

/// What `escalation calibrate` fits: the free parameters with their priors, and the episodes
/// whose documented observations they must reproduce.
public struct CalibrationProblem: Sendable {
    /// One scenario simulated per proposal, with the observations it is judged on.
    public struct Episode: Sendable {
        public let name: String
        public let scenario: Scenario
        /// For each of the scenario's parameter slots, the index of that parameter in
        /// `CalibrationProblem.names`.
        public let slotMap: [Int]
        public let targets: [Target]
        /// Runs stop once the last target has been read.
        public let stopDay: Double
    }

    /// A documented observation: a simulated value inside `accepted` matches the record.
    public struct Target: Sendable {
        public let episode: Int
        public let observation: Int
        public let id: String
        public let label: String
        public let accepted: ClosedRange<Double>
        public let source: String?
    }

    public let names: [String]
    public let priors: [Prior]
    public let episodes: [Episode]

    public var targets: [Target] { episodes.flatMap(\.targets) }

    /// The problem of a loaded scenario: its calibrated parameters and priors, its targets
    /// (`calibration: targets:`, or every observation with a documented value), and those of
    /// the scenarios it is calibrated `with`, which must calibrate only parameters it has.
    public init(_ main: LoadedScenario, with others: [LoadedScenario] = []) throws {
        let calibrated = main.parameters.filter(\.isCalibrated)
        guard !calibrated.isEmpty else {
            throw CalibrationError("\(main.path) has no calibrated parameters: give some a prior: under parameters: (docs/scenario-format.md)")
        }
        names = calibrated.map(\.id)
        priors = calibrated.map { $0.prior! }
        var episodes: [Episode] = []
        var seen = Set<String>()
        for loaded in [main] + others {
            let key = URL(fileURLWithPath: loaded.path).standardizedFileURL.path
            guard seen.insert(key).inserted else { continue }
            let scenario = loaded.scenario.with(parameters: ParameterSlots(names: loaded.scenario.parameters.names,
                                                                              pointValues: loaded.scenario.parameters.pointValues))
            var slotMap: [Int] = []
            for name in scenario.parameters.names {
                guard let k = names.firstIndex(of: name) else {
                    throw CalibrationError("\(loaded.path) calibrates '\(name)', which \(main.path) does not: scenarios fitted together must share their parameters")
                }
                if let prior = loaded.parameters.first(where: { $0.id == name })?.prior, prior != priors[k] {
                    throw CalibrationError("\(loaded.path) gives '\(name)' the prior \(prior), \(main.path) the prior \(priors[k]): "
                                           + "scenarios fitted together must agree on their priors")
                }
                slotMap.append(k)
            }
            let wanted = loaded.calibration?.targets
            var targets: [Target] = []
            for (k, o) in scenario.observations.enumerated() {
                guard let range = o.documentedRange, wanted?.contains(o.id) ?? true else { continue }
                targets.append(Target(episode: episodes.count, observation: k, id: o.id, label: o.label, accepted: range, source: o.source))
            }
            guard !targets.isEmpty else {
                throw CalibrationError("\(loaded.path) has no observations with a documented value to calibrate on")
            }
            let stop = targets.map { scenario.observations[$0.observation].day }.max()!
            episodes.append(Episode(name: scenario.name, scenario: scenario, slotMap: slotMap, targets: targets, stopDay: stop))
        }
        self.episodes = episodes
    }

    public init(names: [String], priors: [Prior], episodes: [Episode]) {
        self.names = names
        self.priors = priors
        self.episodes = episodes
    }

    /// The same problem judged against other documented values (a synthetic record).
    public func with(accepted: [[ClosedRange<Double>]]) -> CalibrationProblem {
        CalibrationProblem(names: names, priors: priors, episodes: episodes.enumerated().map { e, episode in
            Episode(name: episode.name, scenario: episode.scenario, slotMap: episode.slotMap,
                    targets: episode.targets.enumerated().map { k, t in
                        Target(episode: t.episode, observation: t.observation, id: t.id, label: t.label, accepted: accepted[e][k], source: t.source)
                    }, stopDay: episode.stopDay)
        })
    }
}
