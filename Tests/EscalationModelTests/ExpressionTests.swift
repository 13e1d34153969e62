import EscalationModel
import Foundation
import TestSupport
import Testing

/// Compiled expressions evaluated in a run give what the same arithmetic gives in Swift, and
/// constant folding at load agrees with evaluation at run time.
struct ExpressionTests {
    /// Sets `y` from `expression` on day 1 (x = 3 by then) and returns y at the end.
    func value(_ expression: String, x: Double = 3) throws -> Double {
        let s = try scenario("""
            horizon: 2
            actors: {a: {name: A}, b: {name: B}}
            actions: {poke: {actor: a, target: b, rung: 2}}
            state: {x: \(x), y: 0}
            interventions: {poke: {at: 0.5, inject: poke}, set: {at: 1, set: {y: "\(expression)"}}}
            """)
        return Simulator(scenario: s).run(seed: 1).finalState[1]
    }

    @Test(arguments: [
        ("x + 2 * x - 1", 8.0), ("(x + 2) * x", 15), ("x / 4", 0.75), ("x % 2", 1), ("x ^ 2", 9), ("-x ^ 2", -9),
        ("2 ^ -x", 0.125), ("min(x, 2) + max(x, 5)", 7), ("abs(-x) + sqrt(x * 3)", 6), ("log(exp(x))", 3),
        ("floor(x / 2) + ceil(x / 2)", 3), ("clamp(x, 0, 1)", 1), ("if(x > 2, 10, 20)", 10),
        ("x > 2 and x < 4", 1), ("x > 5 and 1 / 0 > 0", 0), ("x == 3 or 1 / 0", 1), ("not (x == 3)", 0),
        ("!(x != 3) && x >= 3 || false", 1), ("x <= 2 or x >= 4", 0), ("true + true", 2),
        ("day", 1), ("max_rung", 2), ("count(poke)", 1), ("1e2 * x", 300),
    ])
    func runtimeEvaluationMatchesSwift(_ expression: String, expected: Double) throws {
        #expect(try value(expression) == expected, "\(expression)")
    }

    /// Products of two to four affine factors are computed by a fast form, not the interpreter;
    /// `+ 0 * day` keeps the same arithmetic in the interpreter. The two agree bit for bit.
    @Test(arguments: [
        "x * (x + 1)", "x * (x + 1) * (0.7 - 2 * x)", "(x / 3) * (x + 1) * (0.7 - 2 * x) * (x * 1.1)",
        "2 * x * (1 + x)", "x * x * x * x",
    ])
    func productsOfAffineFormsMatchTheInterpreter(_ product: String) throws {
        for x in [3.0, -0.37, 1e-3, 12345.678, 0.1] {
            let fast = try value(product, x: x), interpreted = try value("\(product) + 0 * day", x: x)
            #expect(fast.bitPattern == interpreted.bitPattern, "\(product) at x = \(x): \(fast) against \(interpreted)")
        }
    }

    @Test func eventFieldsReadTheCurrentAction() throws {
        let s = try scenario("""
            horizon: 5
            actors: {a: {name: A}, b: {name: B}}
            state: {seen: 0}
            actions:
              poke: {actor: a, target: b, rung: 2, casualties: {us_wounded: 4}, effects: {seen: {set: event.rung * 100 + event.us_wounded + event.intercepted}}}
            interventions: {poke: {at: 1, inject: poke}}
            """)
        #expect(Simulator(scenario: s).run(seed: 1).finalState == [204])
    }

    @Test func constantsAreFoldedToTheSameValues() throws {
        let folded = try scenario("""
            horizon: 2
            actors: {a: {name: A}, b: {name: B}}
            actions: {poke: {actor: a, target: b, rung: 0}}
            state: {y: 0}
            interventions: {set: {at: 1, set: {y: "min(3, 2) + 2 ^ -3 + if(3 > 2, 10, 20) + (3 > 5 and 1 / 0 > 0)"}}}
            """)
        #expect(Simulator(scenario: folded).run(seed: 1).finalState == [12.125])
        #expect(try value("min(x, 2) + 2 ^ -x + if(x > 2, 10, 20) + (x > 5 and 1 / 0 > 0)") == 12.125)
    }

    @Test func totalsReadTheLedger() throws {
        let s = try scenario("""
            horizon: 5
            actors: {a: {name: A}, us: {name: US}}
            state: {seen: 0}
            actions: {hit: {actor: a, target: us, rung: 4, casualties: {us_killed: 2}}}
            interventions:
              one: {at: 1, inject: hit}
              two: {at: 2, inject: hit}
              look: {at: 3, set: {seen: total.us_killed * 10 + total.us_wounded}}
            """)
        #expect(Simulator(scenario: s).run(seed: 1).finalState == [40])
    }
}
