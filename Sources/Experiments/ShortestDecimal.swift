/// The digits Swift's `Double.description` prints: the decimal with the fewest significant digits
/// that reads back as the double (a decimal exactly halfway to a neighbour counts when the
/// double's significand is even, as reading rounds halfway cases to even), and among those the
/// one closest to the double (an exact tie to the even last digit).
///
/// Worked out exactly, in integers: the double and the two halfway points around it are scaled
/// by 10^k into 128-bit integers with a binary point, so every comparison is exact and no
/// table of rounded powers is needed. That works for magnitudes in [2^-13, 2^54), about
/// [0.000122, 1.8e16): every fractional value a simulation writes, short of the tiny. Outside
/// it `init` gives nil.
struct ShortestDecimal: Equatable {
    /// The significant digits, without trailing zeros.
    let digits: UInt64
    /// The value is `digits` × 10^`exponent`.
    let exponent: Int

    init(digits: UInt64, exponent: Int) {
        self.digits = digits
        self.exponent = exponent
    }

    /// The shortest decimal of `|x|`, or nil when `|x|` is outside [2^-13, 2^54) (or not finite).
    init?(magnitudeOf x: Double) {
        let bits = x.bitPattern
        let binaryExponent = Int((bits >> 52) & 0x7ff) - 1023   // |x| in [2^b, 2^(b+1))
        guard binaryExponent >= -13, binaryExponent <= 53 else { return nil }
        if let short = Self.withFewPlaces(x.magnitude) {
            self = short
            return
        }
        let fraction = bits & (1 << 52 - 1)
        let significand = fraction | 1 << 52                     // |x| = significand × 2^(b - 52)

        // In units of a quarter of the last place, |x| is 4·significand and the halfway points
        // to its neighbours are 2 units away, except below a power of two, where the neighbour
        // below is half as far. A unit is 2^(b - 54) = 2^-shift. Scale by 10^k so that |x| has
        // 18 or 19 digits before the point (k = 17 - ⌊b·log10 2⌋; 78913 / 2^18 is log10 2,
        // exact over this range): 17 significant digits always read back, and 2·10^18 fits 64
        // bits. 10^k ≤ 10^21 < 2^70 and 4·significand < 2^55, so nothing here overflows.
        let k = 17 - (binaryExponent * 78913) >> 18
        let shift = 54 - binaryExponent                          // 1...67
        let power = Self.powersOfTen128[k]
        let value = UInt128(significand << 2) &* power
        let upper = value &+ power << 1
        let lower = value &- (fraction == 0 ? power : power << 1)
        let fractionMask = UInt128(1) << shift &- 1

        // The integers at this scale that read back as x: [low, high].
        let even = significand & 1 == 0
        var high = UInt64(truncatingIfNeeded: upper >> shift)
        if !even && upper & fractionMask == 0 { high -= 1 }
        var low = UInt64(truncatingIfNeeded: lower >> shift)
        if !(even && lower & fractionMask == 0) { low += 1 }

        // Drop trailing digits while a multiple of the next power of ten is still in [low, high]
        // (eight at a time first), keeping |x| truncated to the digits kept and where the part
        // dropped stands against half a unit of the last digit kept.
        var kept = UInt64(truncatingIfNeeded: value >> shift)
        let rest = value & fractionMask, half = UInt128(1) << (shift - 1)
        var aboveHalf = rest > half, exactlyHalf = rest == half, droppedZero = rest == 0
        var dropped = 0
        /// Drops `digits` digits (their power of ten is `unit`) while that still leaves a
        /// multiple of `unit` in [low, high]. Called with constants, so the divisions fold.
        @inline(__always) func drop(_ unit: UInt64, digits: Int) {
            while high / unit >= (low + unit - 1) / unit {
                let d = kept % unit, half = unit / 2
                aboveHalf = d > half || (d == half && !droppedZero)
                exactlyHalf = d == half && droppedZero
                droppedZero = droppedZero && d == 0
                kept /= unit
                high /= unit
                low = (low + unit - 1) / unit
                dropped += digits
            }
        }
        drop(100_000_000, digits: 8)
        drop(10, digits: 1)
        // The nearest of `kept` and `kept + 1` that reads back (one of them does; the interval
        // holds at most nine integers now, none a multiple of ten).
        var digits = kept + (aboveHalf || (exactlyHalf && kept & 1 == 1) ? 1 : 0)
        if digits > high { digits = kept } else if digits < low { digits = kept + 1 }
        self.init(digits: digits, exponent: dropped - k)
    }

    /// The shortest decimal of `m` (in [2^-13, 2^54)) when it has at most three places, as 0.4
    /// and 2.75 have: values common in a simulation's output, which the exact method above
    /// reaches only after dropping some fifteen digits.
    ///
    /// With d the integer nearest m·1000, d/1000 reads back as m exactly when d / 1000, one
    /// correctly rounded division, is m. Below 10^12, d is that nearest integer although m·1000
    /// is rounded (the errors are under a 2^-53 part of 10^15 < 2^50), so if any decimal with at
    /// most three places reads back, d/1000 does; with d's trailing zeros dropped it has the
    /// fewest places that read back, and none with as few comes as close (they lie a unit of the
    /// last place away). None with fewer significant digits has more places. A whole number
    /// (d a multiple of 1000) is left to the exact method.
    @inline(__always)
    static func withFewPlaces(_ m: Double) -> ShortestDecimal? {
        guard m < 1e12 else { return nil }
        let thousandths = UInt64(m * 1000 + 0.5)
        guard Double(thousandths) / 1000 == m else { return nil }
        if thousandths % 10 != 0 { return ShortestDecimal(digits: thousandths, exponent: -3) }
        if thousandths % 100 != 0 { return ShortestDecimal(digits: thousandths / 10, exponent: -2) }
        if thousandths % 1000 != 0 { return ShortestDecimal(digits: thousandths / 100, exponent: -1) }
        return nil
    }

    /// 10^0 ... 10^19.
    static let powersOfTen: [UInt64] = (0...19).map { (0..<$0).reduce(1) { r, _ in r * 10 } }
    /// 10^0 ... 10^21, the scales `init` uses.
    static let powersOfTen128: [UInt128] = (0...21).map { (0..<$0).reduce(1) { r, _ in r * 10 } }
}
