import EscalationModel
import Record
import Stochastics

extension ScenarioCompiler {
    static let parameterKeys = ["label", "unit", "value", "assumption", "why", "prior"]

    /// `parameters:`: each a number with its origin, one of
    ///
    ///     name: {value: "@2020-03-11-taji.us_killed"}                     derived from the record
    ///     name: {value: 0.7, assumption: [0.5, 0.9], why: "..."}          an assumption and its range
    ///     name: {prior: {beta: [2, 2]}}                                    calibrated
    ///
    /// with an optional `label:` and `unit:`. A bare number (`name: 0.7`) has no origin.
    mutating func compileParameters(_ node: YAMLNode?) {
        var slot = 0
        for (id, body) in entries(node, "parameters", what: "parameters") {
            let path = join("parameters", id)
            if ExpressionSymbols.reserved.contains(id) || expressionSymbols.constants[id] != nil || stateNames.contains(id) {
                error(body, path, expected: "a parameter name that is not a word of the expression language, a constant or a state variable",
                      found: "'\(id)'")
                continue
            }
            if case .scalar = body.value {
                guard let v = number(body, path, expected: "a number, or a mapping with value:, assumption: or prior:") else { continue }
                declare(ScenarioParameter(id: id, label: nil, unit: nil, why: nil, value: v, origin: .unlabelled, location: body.location))
                continue
            }
            guard let f = fields(body, path, allowed: Self.parameterKeys, what: "a parameter") else { continue }
            let label = f["label"].flatMap { text($0, f.path("label")) }
            let unit = f["unit"].flatMap { text($0, f.path("unit")) }
            let why = f["why"].flatMap { text($0, f.path("why"), prose: true) }
            var prior: Prior?
            if let p = f["prior"] { prior = compilePrior(p, f.path("prior")) }
            var range: (Double, Double)?
            if let a = f["assumption"] {
                range = numberPair(a, f.path("assumption"), expected: "a plausible range [low, high]")
                if let (low, high) = range, low > high {
                    error(a, f.path("assumption"), expected: "a range [low, high] with low no greater than high",
                          found: "[\(format(low)), \(format(high))]")
                    range = nil
                }
                if f["prior"] != nil {
                    error(a, f.path("assumption"), expected: "either assumption: or prior:, not both", found: "both")
                }
            }
            let valueNode = f["value"]
            if let prior, f["prior"] != nil {
                if let valueNode {
                    // A calibrated parameter given a value: pinned there (a what-if, or --set).
                    if let v = number(valueNode, f.path("value")) {
                        declare(ScenarioParameter(id: id, label: label, unit: unit, why: why, value: v, origin: .pinned(prior: prior),
                                                  location: body.location))
                    }
                } else {
                    declare(ScenarioParameter(id: id, label: label, unit: unit, why: why, value: prior.median,
                                              origin: .calibrated(prior: prior, slot: slot), location: body.location))
                    slot += 1
                }
                continue
            }
            guard f["prior"] == nil else { continue }
            guard let valueNode = require(f, "value", "the number, a record formula such as \"@2020-03-11-taji.us_killed\", or prior: to calibrate it") else {
                continue
            }
            if let s = valueNode.scalar, s.contains("@") {
                if f["assumption"] != nil {
                    error(f["assumption"]!, f.path("assumption"), expected: "no assumption range on a number derived from the record",
                          found: "a range")
                }
                guard let derived = derive(s, valueNode, f.path("value")) else { continue }
                declare(ScenarioParameter(id: id, label: label, unit: unit, why: why, value: derived.figure,
                                          origin: .derived(formula: s, documented: derived.documented, rows: derived.rows),
                                          location: body.location))
                continue
            }
            guard let v = number(valueNode, f.path("value"), expected: "a number or a record formula such as \"@2020-03-11-taji.us_killed\"") else {
                continue
            }
            if let (low, high) = range {
                // A value set on the command line (--set, --vary) may leave the range: a what-if.
                let fromCommandLine = valueNode.location.file.hasPrefix("--")
                if (v < low || v > high) && !fromCommandLine {
                    error(valueNode, f.path("value"), expected: "a value inside its assumption range [\(format(low)), \(format(high))]",
                          found: format(v))
                    continue
                }
                declare(ScenarioParameter(id: id, label: label, unit: unit, why: why, value: v, origin: .assumption(low: low, high: high),
                                          location: body.location))
            } else if f["assumption"] == nil {
                declare(ScenarioParameter(id: id, label: label, unit: unit, why: why, value: v, origin: .unlabelled, location: body.location))
            }
        }
    }

    private mutating func declare(_ p: ScenarioParameter) {
        parameters.append(p)
        switch p.origin {
        case .calibrated(_, let slot): expressionSymbols.parameters[p.id] = .slot(slot)
        default: expressionSymbols.parameters[p.id] = .value(p.value)
        }
    }

    /// A record formula's documented value and the references it reads.
    mutating func derive(_ text: String, _ node: YAMLNode, _ path: String) -> RecordResolver.Derived? {
        guard let record = expressionSymbols.record else {
            error(node, path, expected: "a record: folder in the scenario to read \(text) from", found: "no record")
            return nil
        }
        let known = parameters
        switch record.evaluate(text, parameter: { name in known.first { $0.id == name && !$0.isCalibrated }?.value }) {
        case .success(let result):
            return result
        case .failure(let problem):
            var shift = 0
            if case .scalar(_, let quoted) = node.value, quoted { shift = 1 }
            diagnostics.error(node.location.advanced(by: problem.offset + shift), path, expected: problem.expected,
                              found: problem.found, hint: problem.hint)
            return nil
        }
    }

    /// `[low, high]`.
    mutating func numberPair(_ node: YAMLNode, _ path: String, expected: String) -> (Double, Double)? {
        guard case .sequence(let items) = node.value, items.count == 2 else {
            error(node, path, expected: expected, found: node.kindDescription)
            return nil
        }
        guard let a = number(items[0], join(path, "0")), let b = number(items[1], join(path, "1")) else { return nil }
        return (a, b)
    }

    static let priorNames = Prior.Kind.allCases.map(\.rawValue)

    /// `{uniform: [a, b]}`, `{log_uniform: [a, b]}`, `{beta: [a, b]}`,
    /// `{lognormal: {median: m, sigma: s}}`, `{gamma: {shape: k, mean: m}}`, `{normal: {mean: m, sd: s}}`.
    mutating func compilePrior(_ node: YAMLNode, _ path: String) -> Prior? {
        let expected = "a prior: one of {uniform: [a, b]}, {log_uniform: [a, b]}, {beta: [a, b]}, {lognormal: {median, sigma}}, "
            + "{gamma: {shape, mean}}, {normal: {mean, sd}}"
        guard case .mapping(let pairs) = node.value, pairs.count == 1 else {
            error(node, path, expected: expected, found: node.kindDescription)
            return nil
        }
        let (name, keyLocation, body) = pairs[0]
        guard let kind = Prior.Kind(rawValue: name) else {
            diagnostics.error(keyLocation, path, expected: "a prior (\(Self.priorNames.joined(separator: ", ")))", found: "'\(name)'",
                              hint: Suggestions.hint(for: name, in: Self.priorNames))
            return nil
        }
        let here = join(path, name)
        var a: Double?, b: Double?
        switch kind {
        case .uniform, .logUniform, .beta:
            if let (x, y) = numberPair(body, here, expected: kind == .beta ? "two shape parameters [a, b]" : "a range [low, high]") {
                (a, b) = (x, y)
            }
        case .lognormal, .gamma, .normal:
            let keys: (String, String) = kind == .lognormal ? ("median", "sigma") : kind == .gamma ? ("shape", "mean") : ("mean", "sd")
            guard let f = fields(body, here, allowed: [keys.0, keys.1], what: "a \(name) prior") else { return nil }
            a = require(f, keys.0, "a number").flatMap { number($0, f.path(keys.0)) }
            b = require(f, keys.1, "a number").flatMap { number($0, f.path(keys.1)) }
        }
        guard let a, let b else { return nil }
        do {
            return try Prior(kind: kind, a: a, b: b)
        } catch {
            self.error(body, here, expected: error.expected, found: error.found)
            return nil
        }
    }

    static let calibrationKeys = ["posterior", "with", "particles", "seed", "simulations", "targets"]

    mutating func compileCalibration(_ node: YAMLNode?) -> CalibrationSettings? {
        guard let node else { return nil }
        guard let f = fields(node, "calibration", allowed: Self.calibrationKeys, what: "calibration settings") else { return nil }
        var settings = CalibrationSettings()
        settings.posterior = f["posterior"].flatMap { text($0, f.path("posterior"), expected: "the path of the posterior file (CSV)") }
        if let w = f["with"] {
            settings.with = list(w).enumerated().compactMap { text($1, join(f.path("with"), String($0)), expected: "a scenario path") }
        }
        if let p = f["particles"] {
            settings.particles = integer(p, f.path("particles"), in: 50...1_000_000, expected: "a number of particles from 50 to 1,000,000")
                ?? settings.particles
        }
        if let s = f["seed"] {
            if let v = s.scalar.flatMap({ UInt64($0) }) { settings.seed = v } else {
                error(s, f.path("seed"), expected: "a seed from 0 to 2^64 − 1", found: s.kindDescription)
            }
        }
        if let s = f["simulations"] {
            settings.simulations = integer(s, f.path("simulations"), in: 1000...Int.max, expected: "a simulation budget of 1000 or more")
                ?? settings.simulations
        }
        if let t = f["targets"] {
            settings.targets = list(t).enumerated().compactMap { text($1, join(f.path("targets"), String($0)), expected: "an observation id") }
        }
        calibrationNode = f["targets"]
        return settings
    }

    mutating func compileHindcast(_ node: YAMLNode?) -> HindcastSettings? {
        guard let node else { return nil }
        guard let f = fields(node, "hindcast", allowed: ["calibrate_on", "score", "note"], what: "hindcast settings") else { return nil }
        var settings = HindcastSettings()
        if let c = f["calibrate_on"] {
            if case .null = c.value {} else {
                settings.calibrateOn = list(c).enumerated().compactMap {
                    text($1, join(f.path("calibrate_on"), String($0)), expected: "a scenario path")
                }
            }
        }
        if let s = f["score"] {
            settings.score = list(s).enumerated().compactMap { text($1, join(f.path("score"), String($0)), expected: "an observation id") }
            hindcastScoreNode = s
        }
        settings.note = f["note"].flatMap { text($0, f.path("note"), prose: true) }
        return settings
    }

    /// Records that `path` uses the parameters named in `text`.
    mutating func noteUses(_ text: String, at path: String) {
        guard let tokens = try? ExpressionParser.tokenize(text) else { return }
        for (token, _) in tokens {
            if case .word(let w) = token, let k = parameters.firstIndex(where: { $0.id == w }), !parameters[k].uses.contains(path) {
                parameters[k].uses.append(path)
            }
        }
    }
}
