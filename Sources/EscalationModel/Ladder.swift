/// The escalation ladder: rungs 0 to 9, from words to open war between the United States and
/// Iran. A scenario may rename rungs; these are the defaults.
public enum Ladder {
    public static let rungs = 0...9
    public static let top = 9

    public static let defaultRungNames = [
        "statements and threats",
        "political and economic pressure",
        "harassment and shows of force",
        "non-lethal attacks and raids",
        "lethal attacks on forces",
        "limited retaliatory strikes",
        "sustained strike campaign",
        "strikes on senior leaders or state forces",
        "strikes on Iranian territory",
        "open US–Iran war",
    ]
}
