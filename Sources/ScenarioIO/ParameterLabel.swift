/// What a value of a scenario is, in the words people use: "chance the US strikes Kataib
/// Hezbollah after ... (probability of rule 'Americans or allies killed by KH', policy us_limited)"
/// rather than `policies.us_limited.rules.2.probability`. Reports, tornado charts, sweeps,
/// comparisons and `escalation paths` show it beside the path.
public enum ParameterLabel {
    /// A description of the value at `path` in the merged scenario `root`, or nil when there is
    /// nothing better than the path.
    public static func describe(_ path: [String], in root: YAMLNode) -> String? {
        guard let section = path.first else { return nil }
        let canonical = Override.canonical(path, in: root)
        let value = Override.lookup(canonical, in: root)
        // A parameter's name standing for the value: that parameter's label says what it is.
        let named = value?.scalar.flatMap { parameterLabel($0, in: root) }
        let rest = { (from: Int) in canonical.dropFirst(from).map { $0.replacingOccurrences(of: "_", with: " ") }.joined(separator: " ") }
        let place: String?
        switch section {
        case "parameters" where canonical.count >= 2:
            let label = parameterLabel(canonical[1], in: root) ?? canonical[1]
            if canonical.count == 4 && canonical[2] == "assumption" && (canonical[3] == "0" || canonical[3] == "1") {
                return label + (canonical[3] == "0" ? ": low end of its assumed range" : ": high end of its assumed range")
            }
            let field = canonical.count == 2 || canonical[2] == "value" ? "" : ": " + rest(2)
            return label + field
        case "policies" where canonical.count >= 4 && canonical[2] == "rules":
            let rule = root["policies"]?[canonical[1]]?["rules"].flatMap { rules -> YAMLNode? in
                guard case .sequence(let items) = rules.value, let i = Int(canonical[3]), items.indices.contains(i) else { return nil }
                return items[i]
            }
            let ruleName = rule?["name"]?.scalar.map { "rule '\($0)'" } ?? "rule \(canonical[3])"
            place = "\(rest(4).isEmpty ? "" : rest(4) + " of ")\(ruleName), policy \(canonical[1])"
        case "policies" where canonical.count >= 2:
            place = "policy \(canonical[1])" + (canonical.count > 2 ? ": " + rest(2) : "")
        case "actions" where canonical.count >= 2:
            let narrative = root["actions"]?[canonical[1]]?["narrative"]?.scalar.map { " (\(abbreviatedLabel($0)))" } ?? ""
            place = "action \(canonical[1])\(narrative)" + (canonical.count > 2 ? ": " + rest(2) : "")
        case "state" where canonical.count >= 2:
            place = "state \(canonical[1])" + (canonical.count > 2 ? ": " + rest(2) : "")
        case "processes" where canonical.count >= 2:
            place = "process \(canonical[1])" + (canonical.count > 2 ? ": " + rest(2) : "")
        case "actors" where canonical.count >= 2:
            let name = root["actors"]?[canonical[1]]?["name"]?.scalar ?? canonical[1]
            place = name + (canonical.count > 2 ? ": " + rest(2) : "")
        case "interventions" where canonical.count >= 2:
            let note = root["interventions"]?[canonical[1]]?["note"]?.scalar.map { " (\(abbreviatedLabel($0)))" } ?? ""
            place = "intervention \(canonical[1])\(note)" + (canonical.count > 2 ? ": " + rest(2) : "")
        case "outcomes" where canonical.count >= 2:
            place = "outcome \(canonical[1])" + (canonical.count > 2 ? ": " + rest(2) : "")
        default:
            place = nil
        }
        if let named { return place.map { "\(named) (\($0))" } ?? named }
        return place
    }

    /// "label — path", or the path alone when there is no label.
    public static func title(_ path: [String], in root: YAMLNode) -> String {
        let dotted = path.joined(separator: ".")
        return describe(path, in: root).map { "\($0) — \(dotted)" } ?? dotted
    }

    static func parameterLabel(_ name: String, in root: YAMLNode) -> String? {
        guard let parameter = root["parameters"]?[name.trimmingCharacters(in: .whitespaces)] else { return nil }
        return parameter["label"]?.scalar ?? name
    }

    static func abbreviatedLabel(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "…"
    }
}
