import EscalationModel
import Record
import Stochastics

/// What the compiler makes of a scenario tree: the runnable scenario and what documents it.
struct CompiledScenario {
    let scenario: Scenario
    let parameters: [ScenarioParameter]
    let calibration: CalibrationSettings?
    let hindcast: HindcastSettings?
    let recordUses: [RecordUse]
}

/// Turns a merged scenario tree into a `Scenario`, checking everything first: every problem in
/// the file is reported, with file, line, column, key path, what was expected and what was found.
struct ScenarioCompiler {
    var diagnostics = Diagnostics()
    var start: CivilDate?
    var expressionSymbols = ExpressionSymbols(stateVariables: [], counters: [], actions: [])

    var sides: [Side] = []
    var actorNames: [String] = []
    var stateNames: [String] = []
    var actionNames: [String] = []
    /// The actor of each action, read ahead so that rules can check their answers.
    var actionActors: [Int?] = []
    var actionTargets: [Int?] = []
    var processNames: [String] = []
    var policyNames: [String] = []
    /// The actor of each policy, read ahead for actors' `policy:` and interventions.
    var policyActors: [Int?] = []
    var actorSponsors: [Int?] = []
    var parameters: [ScenarioParameter] = []
    var recordUses: [RecordUse] = []
    /// `calibration.targets` and `hindcast.score`, checked once the observations are known.
    var calibrationNode: YAMLNode?
    var hindcastScoreNode: YAMLNode?
    /// The scenario's record, when it names one.
    var catalog: Catalog?

    static let topKeys = ["name", "title", "summary", "record", "start", "horizon", "max_events", "rungs", "constants",
                          "parameters", "sides", "actors", "state", "actions", "processes", "policies", "interventions",
                          "outcomes", "observations", "calibration", "hindcast"]

    /// Runs per replication stop at this many events unless `max_events` says otherwise.
    static let defaultMaxEvents = 100_000
    /// The most `max_events` may say: it bounds a run's time and memory (a traced `run` keeps
    /// every event; at this cap a JSON Lines trace is 443 MB and the process peaks at 1.1 GB).
    static let maximumMaxEvents = 1_000_000

    mutating func error(_ node: YAMLNode, _ path: String, expected: String, found: String, hint: String? = nil) {
        diagnostics.error(node.location, path, expected: expected, found: found, hint: hint)
    }

    static func compile(_ root: YAMLNode, name defaultName: String, catalog: Catalog? = nil) throws(ScenarioError) -> CompiledScenario {
        var compiler = ScenarioCompiler()
        compiler.catalog = catalog
        let scenario = compiler.compileScenario(root, defaultName: defaultName)
        if let scenario, compiler.diagnostics.isEmpty { return scenario }
        throw ScenarioError(compiler.diagnostics.inFileOrder)
    }

    mutating func compileScenario(_ root: YAMLNode, defaultName: String) -> CompiledScenario? {
        guard let top = fields(root, "", allowed: Self.topKeys, what: "a scenario") else { return nil }

        let name = top["name"].flatMap { text($0, "name") } ?? defaultName
        let title = top["title"].flatMap { text($0, "title") } ?? name
        let summary = top["summary"].flatMap { text($0, "summary", prose: true) } ?? ""
        if let node = top["start"] {
            if let s = node.scalar, let date = CivilDate(iso: s) {
                start = date
            } else {
                error(node, "start", expected: "a date (YYYY-MM-DD)", found: node.kindDescription)
            }
        }
        var horizon = 0.0
        if let node = require(top, "horizon", "days to simulate, or an end date") {
            if let s = node.scalar, CivilDate(iso: s) != nil {
                // An end date is included: the run covers that whole day.
                if let d = day(node, "horizon") { horizon = d + 1 }
            } else if let d = number(node, "horizon", expected: "a number of days greater than 0, or an end date") {
                if d > 0 { horizon = d } else {
                    error(node, "horizon", expected: "a number of days greater than 0, or an end date", found: format(d))
                }
            }
        }
        if let r = top["record"], r.scalar == nil {
            error(r, "record", expected: "the folder of the record (incidents.csv and sources.csv)", found: r.kindDescription)
        }
        if let catalog { expressionSymbols.record = RecordResolver(catalog: catalog, start: start) }
        let maxEvents = top["max_events"].flatMap {
            integer($0, "max_events", in: 1...Self.maximumMaxEvents,
                    expected: "a whole number of events from 1 to \(Self.maximumMaxEvents)")
        } ?? Self.defaultMaxEvents
        let rungNames = compileRungs(top["rungs"])

        compileSides(top["sides"])
        expressionSymbols.counters = sides.flatMap { [$0.id + "_killed", $0.id + "_wounded"] }

        // Names first, so that any section may refer to any other.
        for (id, node) in entries(top["constants"], "constants", what: "constants") {
            if ExpressionSymbols.reserved.contains(id) {
                error(node, join("constants", id), expected: "a constant name that is not a word of the expression language",
                      found: "'\(id)'")
            } else if let v = number(node, join("constants", id)) {
                expressionSymbols.constants[id] = v
            }
        }
        let actorEntries = entries(top["actors"], "actors", what: "actors")
        let stateEntries = entries(top["state"], "state", what: "state variables")
        let actionEntries = entries(top["actions"], "actions", what: "actions")
        let processEntries = entries(top["processes"], "processes", what: "processes")
        let policyEntries = entries(top["policies"], "policies", what: "policies")
        let interventionEntries = entries(top["interventions"], "interventions", what: "interventions")
        let outcomeEntries = entries(top["outcomes"], "outcomes", what: "outcomes")
        let observationEntries = entries(top["observations"], "observations", what: "observations")
        if top["actors"] == nil { error(root, "", expected: "a key 'actors'", found: "none") }
        if top["actions"] == nil { error(root, "", expected: "a key 'actions'", found: "none") }
        if actorEntries.count > Scenario.maxActors {
            error(top["actors"]!, "actors", expected: "at most \(Scenario.maxActors) actors", found: "\(actorEntries.count)")
            return nil
        }
        actorNames = actorEntries.map(\.id)
        stateNames = stateEntries.map(\.id)
        for (id, node) in stateEntries where expressionSymbols.constants[id] != nil {
            error(node, join("state", id), expected: "a state variable name not already a constant", found: "'\(id)'")
        }
        actionNames = actionEntries.map(\.id)
        processNames = processEntries.map(\.id)
        policyNames = policyEntries.map(\.id)
        actionActors = actionEntries.map { entry in entry.node["actor"]?.scalar.flatMap { actorNames.firstIndex(of: $0) } }
        actionTargets = actionEntries.map { entry in entry.node["target"]?.scalar.flatMap { actorNames.firstIndex(of: $0) } }
        policyActors = policyEntries.map { entry in entry.node["actor"]?.scalar.flatMap { actorNames.firstIndex(of: $0) } }
        actorSponsors = actorEntries.map { entry in entry.node["sponsor"]?.scalar.flatMap { actorNames.firstIndex(of: $0) } }
        expressionSymbols.stateVariables = stateNames
        expressionSymbols.actions = actionNames
        compileParameters(top["parameters"])

        let actors = actorEntries.compactMap { compileActor($0.id, $0.node) }
        let stateVariables = stateEntries.compactMap { compileStateVariable($0.id, $0.node) }
        let actions = actionEntries.compactMap { compileAction($0.id, $0.node) }
        let processes = processEntries.compactMap { compileProcess($0.id, $0.node) }
        let policies = policyEntries.compactMap { compilePolicy($0.id, $0.node) }
        let interventions = interventionEntries.compactMap { compileIntervention($0.id, $0.node, horizon: horizon) }
        let outcomes = outcomeEntries.compactMap { compileOutcome($0.id, $0.node) }
        let observations = observationEntries.compactMap { compileObservation($0.id, $0.node, horizon: horizon) }
        let calibration = compileCalibration(top["calibration"])
        let hindcast = compileHindcast(top["hindcast"])
        for (ids, node, path) in [(calibration?.targets, calibrationNode, "calibration.targets"), (hindcast?.score, hindcastScoreNode, "hindcast.score")] {
            guard let ids, let node else { continue }
            for (i, id) in ids.enumerated() where !observations.contains(where: { $0.id == id && $0.documentedRange != nil }) {
                let item = list(node).indices.contains(i) ? list(node)[i] : node
                error(item, join(path, String(i)), expected: "an observation with a documented value",
                      found: "'\(id)'", hint: Suggestions.hint(for: id, in: observations.map(\.id)))
            }
        }

        guard diagnostics.isEmpty else { return nil }
        let slots = parameters.filter(\.isCalibrated)
        let scenario = Scenario(
            name: name, title: title, summary: summary, start: start, horizon: horizon, maxEvents: maxEvents,
            rungNames: rungNames, sides: sides, actors: actors, actions: actions, stateVariables: stateVariables,
            processes: processes, policies: policies, interventions: interventions, outcomes: outcomes,
            observations: observations,
            parameters: ParameterSlots(names: slots.map(\.id), pointValues: slots.map(\.value)))
        checkColumnNames(scenario, root)
        guard diagnostics.isEmpty else { return nil }
        return CompiledScenario(scenario: scenario, parameters: parameters, calibration: calibration, hindcast: hindcast,
                                recordUses: recordUses)
    }

    mutating func compileRungs(_ node: YAMLNode?) -> [String] {
        var names = Ladder.defaultRungNames
        guard let node else { return names }
        guard case .mapping(let pairs) = node.value else {
            error(node, "rungs", expected: "a mapping of rung numbers (0 to 9) to names", found: node.kindDescription)
            return names
        }
        for pair in pairs {
            guard let rung = Int(pair.key), Ladder.rungs.contains(rung) else {
                diagnostics.error(pair.keyLocation, "rungs", expected: "a rung number from 0 to 9", found: "'\(pair.key)'")
                continue
            }
            if let name = text(pair.value, join("rungs", pair.key)) { names[rung] = name }
        }
        return names
    }

    mutating func compileSides(_ node: YAMLNode?) {
        guard let node else {
            sides = Side.defaults
            return
        }
        for (id, body) in entries(node, "sides", what: "sides") {
            let path = join("sides", id)
            if case .scalar(let s, _) = body.value {
                sides.append(Side(id: id, name: s))
                continue
            }
            guard let f = fields(body, path, allowed: ["name", "singular"], what: "a side") else { continue }
            let name = f["name"].flatMap { text($0, f.path("name")) } ?? id
            let singular = f["singular"].flatMap { text($0, f.path("singular")) }
            sides.append(Side(id: id, name: name, singular: singular))
        }
    }

    mutating func compileActor(_ id: String, _ node: YAMLNode) -> Actor? {
        let path = join("actors", id)
        guard let f = fields(node, path, allowed: ["name", "sponsor", "control", "policy"], what: "an actor") else {
            return nil
        }
        let name = f["name"].flatMap { text($0, f.path("name")) } ?? id
        var sponsor: Int?
        if let s = f["sponsor"] {
            sponsor = reference(s, f.path("sponsor"), kind: "an actor", names: actorNames)
            if sponsor == actorNames.firstIndex(of: id) {
                error(s, f.path("sponsor"), expected: "another actor as sponsor", found: "'\(id)' itself")
                sponsor = nil
            }
        }
        var control: Quantity = .constant(1)
        if let c = f["control"] {
            if f["sponsor"] == nil {
                error(c, f.path("control"), expected: "control only on an actor with a sponsor", found: "no sponsor")
            }
            control = probability(c, f.path("control"), event: true) ?? control
        }
        var policy: Int?
        let me = actorNames.firstIndex(of: id)
        if let p = f["policy"] {
            policy = reference(p, f.path("policy"), kind: "a policy", names: policyNames)
            if let chosen = policy, let owner = policyActors[chosen], owner != me {
                error(p, f.path("policy"), expected: "a policy of \(id)",
                      found: "'\(policyNames[chosen])', a policy of \(actorNames[owner])")
            }
        } else {
            policy = policyActors.firstIndex { $0 != nil && $0 == me }
        }
        return Actor(id: id, name: name, sponsor: sponsor, control: control, initialPolicy: policy)
    }

    mutating func compileStateVariable(_ id: String, _ node: YAMLNode) -> StateVariable? {
        let path = join("state", id)
        if ExpressionSymbols.reserved.contains(id) {
            error(node, path, expected: "a state variable name that is not a word of the expression language",
                  found: "'\(id)'")
            return nil
        }
        if case .scalar = node.value {
            return number(node, path, expected: "an initial value, or a mapping with initial:").map {
                StateVariable(id: id, initial: $0)
            }
        }
        guard let f = fields(node, path, allowed: ["initial", "min", "max", "baseline", "half_life"],
                             what: "a state variable") else { return nil }
        guard let initial = require(f, "initial", "a number").flatMap({ number($0, f.path("initial")) }) else {
            return nil
        }
        let minimum = f["min"].flatMap { number($0, f.path("min")) } ?? -.infinity
        let maximum = f["max"].flatMap { number($0, f.path("max")) } ?? .infinity
        let baseline = f["baseline"].flatMap { number($0, f.path("baseline")) }
        var halfLife: Double?
        if let h = f["half_life"] {
            halfLife = number(h, f.path("half_life"), expected: "a half-life in days greater than 0")
            if let v = halfLife, v <= 0 {
                error(h, f.path("half_life"), expected: "a half-life in days greater than 0", found: format(v))
                halfLife = nil
            }
            if baseline == nil {
                error(h, f.path("half_life"), expected: "a baseline: to relax toward beside half_life", found: "none")
            }
        }
        if minimum > maximum {
            error(node, path, expected: "min no greater than max", found: "min \(format(minimum)) and max \(format(maximum))")
            return nil
        }
        if initial < minimum || initial > maximum {
            error(f["initial"]!, f.path("initial"), expected: "an initial value from \(format(minimum)) to \(format(maximum))",
                  found: format(initial))
        }
        if let b = baseline, b < minimum || b > maximum {
            error(f["baseline"]!, f.path("baseline"), expected: "a baseline from \(format(minimum)) to \(format(maximum))",
                  found: format(b))
        }
        return StateVariable(id: id, initial: initial, minimum: minimum, maximum: maximum, baseline: baseline,
                             halfLife: halfLife)
    }
}
