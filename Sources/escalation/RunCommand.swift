import ArgumentParser
import EscalationModel
import Experiments
import Foundation
import Reports
import ScenarioIO
import Stochastics

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Play one crisis from a scenario and tell it as a dated story.",
        discussion: """
            The same scenario, overrides and seed always give the same bytes. A run of a batch \
            replays exactly with --replication K --master-seed S (the batch's --seed, and the \
            --set and --posterior options it was run with), or with --from runs.csv --row K, \
            which takes the scenario, overrides and posterior from the batch's manifest. Both \
            derive the run's 64-bit seed from the master seed, so a seed column that a spreadsheet \
            or data frame rounded to a double does not matter. K is the replication: the value of \
            the CSV's run column (from 0), not a line number.

            A game saved by the classroom (`escalation-serve`) replays with --moves game.json: its \
            seed, side, changes and moves come from the file, and the story is the one the \
            classroom showed, byte for byte.
            """
    )

    enum TraceFormat: String, ExpressibleByArgument, CaseIterable {
        case narrative, jsonl, csv
    }

    @Argument(help: "The scenario file (YAML); with --from, optional (the batch's manifest names it).")
    var scenario: String?

    @Option(parsing: .unconditional, help: "Seed of the random stream (any 64-bit number; default 1).")
    var seed: UInt64?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Play replication K of a batch whose master seed is --master-seed (K is the batch CSV's run column, from 0).",
        valueName: "K"))
    var replication: Int?

    @Option(name: .customLong("master-seed"), parsing: .unconditional, help: ArgumentHelp(
        "The master seed (the batch's --seed), with --replication.", valueName: "S"))
    var masterSeed: UInt64?

    @Option(help: ArgumentHelp(
        "Replay a row of this batch CSV (.csv or .csv.gz, its manifest beside it), with --row.", valueName: "CSV"))
    var from: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "With --from: the row whose run column is K (the replication, from 0; not the line number).", valueName: "K"))
    var row: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a value of the scenario, e.g. --set actions.kh_rockets.rung=5 (repeatable).",
        valueName: "PATH=VALUE"), transform: Override.init(parsing:))
    var overrides: [Override] = []

    @Option(help: ArgumentHelp(
        "Replay a saved game (JSON: scenario, seed, side, set, moves): the player's moves decide for its side.",
        valueName: "GAME"))
    var moves: String?

    @Option(help: "Output form: narrative (a chronology), jsonl (one JSON object per event) or csv.")
    var trace: TraceFormat = .narrative

    @Flag(help: "In the narrative, say why each action happened and what each rule decided.")
    var explain = false

    @Option(help: "Write to this file instead of standard output (written whole, then renamed into place; gzip if it ends in .gz).")
    var out: String?

    @OptionGroup var posterior: PosteriorOption

    func validate() throws {
        if explain && trace != .narrative {
            throw ValidationError("--explain applies to --trace narrative only (jsonl and csv always carry every field)")
        }
        try validateReplay()
    }

    /// --seed, --replication/--master-seed and --from/--row are three ways to name the seed:
    /// one at most, each pair whole.
    func validateReplay() throws {
        if (replication == nil) != (masterSeed == nil) {
            throw ValidationError(replication == nil ? "--master-seed needs --replication K (the run to play)"
                                  : "--replication needs --master-seed S (the batch's --seed)")
        }
        if (from == nil) != (row == nil) {
            throw ValidationError(from == nil ? "--row needs --from CSV (the batch CSV whose row it is)"
                                  : "--from needs --row K (the value of the run column of the row to replay)")
        }
        let ways = [seed != nil ? "--seed" : nil, replication != nil ? "--replication/--master-seed" : nil,
                    from != nil ? "--from/--row" : nil].compactMap { $0 }
        if ways.count > 1 {
            throw ValidationError("\(ways.joined(separator: " and ")) each choose the run's seed; give one of them")
        }
        if let replication, replication < 0 { throw ValidationError("--replication: expected a run number of 0 or more, found \(replication)") }
        if let row, row < 0 { throw ValidationError("--row: expected a run number of 0 or more, found \(row)") }
        if from != nil && (!overrides.isEmpty || posterior.posterior != nil) {
            throw ValidationError("--set and --posterior cannot be combined with --from: the batch's manifest gives them")
        }
        if moves != nil {
            let others = [seed != nil ? "--seed" : nil, replication != nil ? "--replication" : nil,
                          from != nil ? "--from" : nil, !overrides.isEmpty ? "--set" : nil,
                          posterior.posterior != nil ? "--posterior" : nil, explain ? "--explain" : nil].compactMap { $0 }
            if !others.isEmpty {
                throw ValidationError("--moves: the game record gives the seed and changes; drop \(others.joined(separator: ", "))")
            }
            if scenario == nil { throw ValidationError("--moves: name the scenario file the game was played on") }
        }
        if scenario == nil && from == nil {
            throw ValidationError("name the scenario file (or replay a batch's row with --from CSV --row K)")
        }
    }

    func run() throws {
        try reportingFailures {
            let outputs = try claim(out, reading: [scenario, moves, from, from.map(Manifest.path(forCSV:))])
            if let moves { return try replay(moves, outputs: outputs) }
            let loaded: LoadedScenario
            let seed: UInt64
            if let from, let row {
                let found = try BatchRow.find(run: row, in: from, scenario: scenario)
                (loaded, seed) = (found.loaded, found.seed)
            } else {
                loaded = try ScenarioLoader.load(path: scenario!, overrides: overrides, posterior: posterior.choice)
                if let replication, let masterSeed {
                    seed = StreamSeed.replication(master: masterSeed, index: UInt64(replication))
                } else {
                    seed = self.seed ?? 1
                }
            }
            try outputs.protect(inputFiles(of: loaded))
            let simulator = Simulator(scenario: loaded.scenario)
            let (result, trace) = simulator.runTraced(seed: seed)
            let text = switch self.trace {
            case .narrative: Narrative(scenario: loaded.scenario, explain: explain).render(result: result, trace: trace)
            case .jsonl: TraceJSONL(scenario: loaded.scenario).render(result: result, trace: trace)
            case .csv: TraceCSV(scenario: loaded.scenario).render(result: result, trace: trace)
            }
            try emit(text, to: out, in: outputs)
            try outputs.commit()
            if result.outcome == loaded.scenario.invalidOutcome {
                complain("warning: the run ended invalid on day \(humanNumber(result.outcomeDay)): a value computed during it was infinite, "
                         + "not a number, or beyond its sampler's range (a Poisson or negative-binomial mean above 1000000)")
            }
            if result.rateExceeded && self.trace != .narrative {
                let reached = rateExcessText(loaded.scenario.rateExcessByProcess(result.rateExcess))
                complain("warning: a state-dependent rate went above its max_rate" + (reached.isEmpty ? "" : " (\(reached))")
                         + "; raise max_rate for exact results")
            }
        }
    }

    /// A saved game, replayed: its story (or trace) as the classroom told it.
    func replay(_ path: String, outputs: OutputFiles) throws {
        // A regular file only (a FIFO would wait for a writer). At most one byte past the limit
        // is read, so a huge file is refused without loading it.
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw SourceReadError(path: path, reason: info.st_mode & S_IFMT == S_IFDIR ? "it is a folder, not a game record"
                                  : "it is not a regular file")
        }
        guard let handle = FileHandle(forReadingAtPath: path),
              let data = try? handle.read(upToCount: Game.maximumRecordBytes + 1) ?? Data() else {
            throw SourceReadError(path: path, reason: "cannot read the game record")
        }
        try? handle.close()
        let record = try GameRecord.decode(data, file: path)
        var overrides: [Override] = []
        for text in record.set {
            do { overrides.append(try Override(parsing: text)) } catch {
                throw GameError("\(path): set: \(error.message)")
            }
        }
        let loaded = try ScenarioLoader.load(path: scenario!, overrides: overrides)
        let game: Game
        do { game = try Game(loaded: loaded, record: record) } catch {
            throw GameError("\(path): \(error.description)")
        }
        let played = game.play()
        if played.unusedMoves > 0 {
            throw GameError("\(path): the game ended after \(played.turns.count) moves; \(played.unusedMoves) more were given "
                            + "(was it played on another scenario or seed?)")
        }
        let text: String
        switch (trace, played.result) {
        case (.narrative, _): text = GameStory(game: game).render(played)
        case (.jsonl, let result?): text = TraceJSONL(scenario: loaded.scenario).render(result: result, trace: played.trace)
        case (.csv, let result?): text = TraceCSV(scenario: loaded.scenario).render(result: result, trace: played.trace)
        case (_, nil):
            throw GameError("\(path): the game is not finished (it waits for move \(played.turns.count + 1)); "
                            + "--trace \(trace.rawValue) needs a finished game, the narrative tells it so far")
        }
        try emit(text, to: out, in: outputs)
        try outputs.commit()
        if played.result == nil {
            complain("note: the game is not finished: it waits for move \(played.turns.count + 1)")
        }
    }
}
