import ArgumentParser
import ScenarioIO

/// `--posterior FILE|none`: where a calibrated scenario's parameters come from.
struct PosteriorOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Draw each replication's calibrated parameters from this posterior sample (CSV), or 'none' for the posterior "
            + "medians (default: the file the scenario's calibration: posterior: names).",
        valueName: "FILE|none"))
    var posterior: String?

    var choice: PosteriorChoice { posterior.map(PosteriorChoice.init(argument:)) ?? .declared }
}
