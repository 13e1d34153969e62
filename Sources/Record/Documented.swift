/// A number as the record gives it: exact (`5`), a floor (`25+`, "at least 25", "more than two
/// dozen"), or a range (`10-14`, "about a dozen", or two sources that disagree: `5-6`). Held as a
/// closed interval of reals; `high` is +∞ for a floor.
///
/// Read as a model number (an injected casualty count, a rate's numerator) a documented value is
/// its `figure`, the low end: what every reading agrees on. Read as a calibration target it is the
/// whole interval: a simulated value inside it matches the record.
public struct Documented: Sendable, Equatable, CustomStringConvertible {
    public let low: Double
    public let high: Double

    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    public static func exactly(_ x: Double) -> Documented { Documented(low: x, high: x) }

    /// Parses `N`, `N+` or `A-B` (whole numbers, 0 or more, A ≤ B).
    public init?(parsing text: String) {
        if text.hasSuffix("+"), let n = Int(text.dropLast()), n >= 0 {
            self.init(low: Double(n), high: .infinity)
        } else if let dash = text.firstIndex(of: "-"), dash != text.startIndex,
                  let a = Int(text[..<dash]), let b = Int(text[text.index(after: dash)...]), a >= 0, a <= b {
            self.init(low: Double(a), high: Double(b))
        } else if let n = Int(text), n >= 0 {
            self.init(low: Double(n), high: Double(n))
        } else {
            return nil
        }
    }

    /// The number a model uses: the low end.
    public var figure: Double { low }
    public var isExact: Bool { low == high }
    public var isFloor: Bool { high == .infinity }

    public func contains(_ x: Double) -> Bool { x >= low && x <= high }

    /// How far `x` lies outside the interval (0 inside).
    public func distance(to x: Double) -> Double {
        if x.isNaN { return .infinity }
        return x < low ? low - x : x > high ? x - high : 0
    }

    /// `5`, `25+`, `10-14`; non-whole ends (a derived rate) in shortest form.
    public var description: String {
        func text(_ x: Double) -> String {
            x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
        }
        if isFloor { return text(low) + "+" }
        if isExact { return text(low) }
        return text(low) + "-" + text(high)
    }

    /// Words for a table: "5", "at least 25", "10 to 14".
    public var words: String {
        if isFloor { return "at least " + Documented.exactly(low).description }
        if isExact { return description }
        return Documented.exactly(low).description + " to " + Documented.exactly(high).description
    }

    // Interval arithmetic, for numbers derived from several rows.

    public static func + (a: Documented, b: Documented) -> Documented {
        Documented(low: a.low + b.low, high: a.high + b.high)
    }

    public static func - (a: Documented, b: Documented) -> Documented {
        Documented(low: a.low - b.high, high: a.high - b.low)
    }

    public static func * (a: Documented, b: Documented) -> Documented {
        let products = [a.low * b.low, a.low * b.high, a.high * b.low, a.high * b.high].map { $0.isNaN ? 0 : $0 }
        return Documented(low: products.min()!, high: products.max()!)
    }

    /// Division by an interval that excludes 0; nil otherwise.
    public static func / (a: Documented, b: Documented) -> Documented? {
        guard b.low > 0 || b.high < 0 else { return nil }
        let quotients = [a.low / b.low, a.low / b.high, a.high / b.low, a.high / b.high].map { $0.isNaN ? 0 : $0 }
        return Documented(low: quotients.min()!, high: quotients.max()!)
    }

    public static prefix func - (a: Documented) -> Documented { Documented(low: -a.high, high: -a.low) }

    /// Clipped to 0 or more (an undated remainder cannot be negative).
    public var nonNegative: Documented { Documented(low: max(0, low), high: max(0, high)) }
}
