import EscalationModel
import Foundation
import Stochastics

/// Numbers for people: whole numbers without a point, others to at most `digits` decimals.
public func humanNumber(_ x: Double, digits: Int = 2) -> String {
    if x.isNaN { return "—" }
    if x.isInfinite { return x > 0 ? "∞" : "−∞" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    var s = String(format: "%.\(digits)f", x)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s == "-0" ? "0" : s
}

/// Numbers for machines: shortest text that reads back as the same double.
public func exactNumber(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
public func csvField(_ s: String) -> String {
    if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return s
}

/// Text safe inside XML and HTML.
public func xmlEscaped(_ s: String) -> String {
    var out = ""
    for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}

/// A JSON string literal.
public func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// A JSON number; non-finite numbers, which JSON lacks, become null.
public func jsonNumber(_ x: Double) -> String { x.isFinite ? exactNumber(x) : "null" }

extension Scenario {
    /// "11 Mar 2020", or "day 12.4" for a scenario without a start date.
    public func when(_ day: Double) -> String {
        if let date = date(ofDay: day) { return date.long }
        return "Day \(humanNumber(day, digits: 1))"
    }

    /// "2 US, 1 coalition killed; 14 US wounded", or nil if no one was hurt.
    public func casualtyText(_ counts: [Double]) -> String? {
        var parts: [String] = []
        for kind in [Counter.Kind.killed, .wounded] {
            let sideCounts = counters.indices.filter { counters[$0].kind == kind && counts[$0] > 0 }
                .map { sides[counters[$0].side].count(counts[$0]) }
            if !sideCounts.isEmpty { parts.append(sideCounts.joined(separator: ", ") + " \(kind.rawValue)") }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// "US 2 killed, 17 wounded; coalition 1 killed", every side with any casualties.
    public func ledgerText(_ ledger: [Double]) -> String {
        var parts: [String] = []
        for (s, side) in sides.enumerated() {
            let killed = ledger[2 * s], wounded = ledger[2 * s + 1]
            var bits: [String] = []
            if killed > 0 { bits.append("\(humanNumber(killed)) killed") }
            if wounded > 0 { bits.append("\(humanNumber(wounded)) wounded") }
            if !bits.isEmpty { parts.append("\(side.name) " + bits.joined(separator: ", ")) }
        }
        return parts.isEmpty ? "no one killed or wounded" : parts.joined(separator: "; ")
    }

    public func outcomeLabel(_ outcome: Int) -> String {
        switch outcome {
        case unresolvedOutcome: "unresolved (the horizon came first)"
        case runawayOutcome: "runaway (the cap of \(maxEvents) events per run came first)"
        case invalidOutcome: "invalid (a value was infinite, NaN or beyond its sampler)"
        default: outcomes[outcome].label == outcomes[outcome].id ? outcomes[outcome].id
            : "\(outcomes[outcome].label) (\(outcomes[outcome].id))"
        }
    }
}
