import ArgumentParser
import EscalationModel
import Foundation
import Record
import Reports

struct IncidentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "Print the catalog of documented incidents as a dated table, CSV or JSON."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @Option(help: "First date (YYYY-MM-DD).") var from: String?
    @Option(help: "Last date (YYYY-MM-DD).") var to: String?
    @Option(help: "Only incidents of this actor (us, iran, kh, aah, pdb, militias, iraq, ...).") var actor: String?
    @Option(help: "table, csv or json.") var format: Format = .table
    @Option(help: "The incident catalog.") var incidents = "seeds/incidents.csv"
    @Option(help: "The sources it cites.") var sources = "seeds/sources.csv"

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, CivilDate(iso: value) == nil { throw ValidationError("\(name): expected YYYY-MM-DD, found '\(value)'") }
        }
        if let from, let to, from > to {
            throw ValidationError("--from \(from) is after --to \(to): expected a range that runs forward in time")
        }
        if let actor, !Catalog.actors.contains(actor) {
            throw ValidationError("--actor: expected one of \(Catalog.actors.joined(separator: ", ")), found '\(actor)'")
        }
    }

    func run() throws {
        try reportingFailures {
            let catalog = try Catalog.load(incidents: incidents, sources: sources)
            let start = from.flatMap(CivilDate.init(iso:)), end = to.flatMap(CivilDate.init(iso:))
            let selected = catalog.incidents.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element).filter { i in
                (start.map { i.end >= $0 } ?? true) && (end.map { i.date <= $0 } ?? true)
                    && (actor.map { i.actor == $0 || i.target == $0 } ?? true)
            }
            let text: String = switch format {
            case .table: IncidentTable.render(selected, catalog: catalog)
            case .csv: IncidentTable.csv(selected)
            case .json: IncidentTable.json(selected, catalog: catalog)
            }
            try say(text, terminator: "")
        }
    }
}
