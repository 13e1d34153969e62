import EscalationModel

/// A time axis in days from a scenario's start: with a start date, ticks on calendar dates (the
/// first of each month, or weeks, or days, whichever is the finest that leaves room for the
/// labels) labelled "1 Apr"; without one, round numbers of days.
struct DateAxis {
    let start: CivilDate?
    let ticks: [Double]
    let labels: [Double: String]

    /// `days`: the axis's range; `plotWidth`: its length in pixels.
    init(start: CivilDate?, days: ClosedRange<Double>, plotWidth: Double) {
        self.start = start
        guard let start else {
            ticks = niceTicks(days.lowerBound, days.upperBound, count: max(3, min(8, Int(plotWidth / 75))))
            labels = [:]
            return
        }
        // A label is at most "30 Sep" (6 characters), or "1 Jan 2021" when the year changes.
        let room = max(3, Int(plotWidth / 62))
        let first = Int(days.lowerBound.rounded(.up)), last = Int(days.upperBound.rounded(.down))
        let all = Array(first...max(first, last))
        let candidates: [[Int]] = [
            all,
            all.filter { start.adding(days: $0).weekday == 1 },  // Mondays
            all.filter { start.adding(days: $0).weekday == 1 }.enumerated().filter { $0.offset % 2 == 0 }.map(\.element),
        ] + [1, 2, 3, 6, 12].map { every in
            all.filter { let d = start.adding(days: $0); return d.day == 1 && (d.month - 1) % every == 0 }
        }
        let chosen = candidates.first { $0.count >= 2 && $0.count <= room } ?? candidates.last!.prefix(room).map { $0 }
        ticks = chosen.map(Double.init)
        var labels: [Double: String] = [:]
        var year = start.year
        for day in chosen {
            let date = start.adding(days: day)
            labels[Double(day)] = "\(date.day) \(date.monthAbbreviation)" + (date.year != year ? " \(date.year)" : "")
            year = date.year
        }
        self.labels = labels
    }

    func label(_ day: Double) -> String { labels[day] ?? humanNumber(day) }

    /// "date (day 0 = 11 Mar 2020)", or `plain` when there is no start date.
    func title(plain: String = "days from the start") -> String {
        start.map { "date (day 0 = \($0.long))" } ?? plain
    }
}
