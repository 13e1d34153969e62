import Foundation
import Stochastics

/// One outcome compared between two arms run on the same replication streams (common random
/// numbers): each replication k gives a pair (in A, in B), and the four counts of pairs carry
/// everything a paired comparison needs.
///
/// The difference is B − A. Its interval is Newcombe's hybrid score interval for paired
/// proportions (Newcombe 1998, Statistics in Medicine 17:2635, method 10): the Wilson intervals
/// of the two margins, squared and added with the estimated correlation of the pair (φ, shrunk
/// toward 0 by N/2 when positive, as Newcombe does). It keeps its coverage near 0 and 1, where a
/// Wald interval on paired differences does not. Significance is McNemar's exact test: under no
/// difference, the runs that end in the outcome in one arm only are equally likely to be A's or
/// B's.
public struct PairedProportion: Sendable, Equatable {
    /// Pairs in the outcome in both arms, in B only, in A only, in neither.
    public private(set) var both = 0
    public private(set) var onlyB = 0
    public private(set) var onlyA = 0
    public private(set) var neither = 0

    public init() {}

    public init(both: Int, onlyB: Int, onlyA: Int, neither: Int) {
        self.both = both
        self.onlyB = onlyB
        self.onlyA = onlyA
        self.neither = neither
    }

    public mutating func add(a: Bool, b: Bool) {
        switch (a, b) {
        case (true, true): both += 1
        case (false, true): onlyB += 1
        case (true, false): onlyA += 1
        case (false, false): neither += 1
        }
    }

    public var n: Int { both + onlyB + onlyA + neither }
    public var countA: Int { both + onlyA }
    public var countB: Int { both + onlyB }
    public var probabilityA: Double { n > 0 ? Double(countA) / Double(n) : .nan }
    public var probabilityB: Double { n > 0 ? Double(countB) / Double(n) : .nan }
    /// pB − pA.
    public var difference: Double { n > 0 ? Double(onlyB - onlyA) / Double(n) : .nan }

    /// Newcombe's 95% (or `z`) interval of pB − pA.
    public func interval(z: Double = Interval.z95) -> (low: Double, high: Double) {
        guard n > 0 else { return (-1, 1) }
        let nn = Double(n)
        let p1 = probabilityB, p2 = probabilityA
        let (l1, u1) = Interval.wilson(successes: countB, n: n, z: z)
        let (l2, u2) = Interval.wilson(successes: countA, n: n, z: z)
        // φ: the correlation of the pair, 0 when a margin is empty or full.
        var phi = 0.0
        let margins = Double(countB) * Double(n - countB) * Double(countA) * Double(n - countA)
        if margins > 0 {
            let cross = Double(both) * Double(neither) - Double(onlyB) * Double(onlyA)
            if cross > nn / 2 { phi = (cross - nn / 2) / margins.squareRoot() } else if cross < 0 { phi = cross / margins.squareRoot() }
        }
        let d = difference
        let below = ((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2) - 2 * phi * (p1 - l1) * (u2 - p2)).squareRoot()
        let above = ((p2 - l2) * (p2 - l2) + (u1 - p1) * (u1 - p1) - 2 * phi * (p2 - l2) * (u1 - p1)).squareRoot()
        return (max(-1, d - below), min(1, d + above))
    }

    /// McNemar's exact two-sided p-value: twice the binomial tail of the smaller discordant count.
    public var pValue: Double {
        let discordant = onlyA + onlyB
        guard discordant > 0 else { return 1 }
        return min(1, 2 * ReferenceProbability.binomialAtMost(min(onlyA, onlyB), trials: discordant, p: 0.5))
    }
}

/// One metric compared between two arms on the same streams: the mean of the per-replication
/// differences B − A, with a Student-t interval and test. Pairs where either value is not finite
/// (an observed action that never came, ∞) are left out and counted.
public struct PairedMean: Sendable {
    public private(set) var a = Moments()
    public private(set) var b = Moments()
    public private(set) var differences = Moments()
    /// Pairs left out because a value was not finite.
    public private(set) var skipped = 0

    public init() {}

    public mutating func add(a x: Double, b y: Double) {
        guard x.isFinite, y.isFinite else { skipped += 1; return }
        a.add(x)
        b.add(y)
        differences.add(y - x)
    }

    public var n: Int { differences.n }
    /// mean(B − A).
    public var difference: Double { n > 0 ? differences.mean : .nan }

    public func interval() -> (low: Double, high: Double) {
        guard n > 1 else { return (.nan, .nan) }
        return Interval.mean(differences.mean, sd: differences.sd, n: n)
    }

    /// The paired t test's two-sided p-value (1 when every pair is equal, 0 when every pair
    /// differs by the same nonzero amount).
    public var pValue: Double {
        guard n > 1 else { return .nan }
        let sd = differences.sd
        if sd == 0 { return differences.mean == 0 ? 1 : 0 }
        let t = differences.mean / (sd / Double(n).squareRoot())
        return ReferenceProbability.studentTTwoSided(t, degreesOfFreedom: Double(n - 1))
    }
}

/// n, mean, standard deviation (Welford's update), minimum and maximum of a stream of numbers, in
/// a few words of memory: what a paired difference needs, without `Metric`'s histogram, so a
/// sweep can pair thousands of points.
public struct Moments: Sendable {
    public private(set) var n = 0
    public private(set) var mean = 0.0
    private var m2 = 0.0
    public private(set) var minimum = Double.infinity
    public private(set) var maximum = -Double.infinity

    public init() {}

    public mutating func add(_ x: Double) {
        n += 1
        let delta = x - mean
        mean += delta / Double(n)
        m2 += delta * (x - mean)
        minimum = min(minimum, x)
        maximum = max(maximum, x)
    }

    public var variance: Double { n > 1 ? m2 / Double(n - 1) : 0 }
    public var sd: Double { variance.squareRoot() }
}
