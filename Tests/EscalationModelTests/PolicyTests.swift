import EscalationModel
import TestSupport
import Testing

/// Each strategy and rule feature, on small scenarios whose answers are certain.
struct PolicyTests {
    /// A militia hits the US with documented attacks on given days; the US answers under `rules`.
    static func duel(rules: String, attacks: [(day: Int, action: String, killed: Int)],
                     extraActions: String = "", extraActors: String = "") -> String {
        let injections = attacks.enumerated().map { i, a in
            "  hit\(i): {at: \(a.day), inject: {action: \(a.action), casualties: {us_killed: \(a.killed)}}}"
        }.joined(separator: "\n")
        return """
            horizon: 100
            actors:
              iran: {name: Iran}
              kh: {name: Kataib Hezbollah, sponsor: iran, control: 1}
              us: {name: US}
              \(extraActors)
            actions:
              kh_threat: {actor: kh, target: us, rung: 0}
              kh_rockets: {actor: kh, target: us, rung: 4}
              kh_barrage: {actor: kh, target: us, rung: 5}
              us_statement: {actor: us, target: kh, rung: 0}
              us_raid: {actor: us, target: kh, rung: 3}
              us_strike: {actor: us, target: kh, rung: 5}
              us_campaign: {actor: us, target: kh, rung: 6}
              us_hits_iran: {actor: us, target: iran, rung: 7}
              \(extraActions)
            policies:
              us_policy:
                actor: us
                rules:
            \(rules)
            interventions:
            \(injections)
            """
    }

    /// The US answers, in order.
    static func answers(_ yaml: String, seed: UInt64 = 1) throws -> [String] {
        let s = try scenario(yaml)
        let (_, trace) = Simulator(scenario: s).runTraced(seed: seed)
        return trace.entries.compactMap {
            if case .action(_, let a, _, _, _, _) = $0.kind, s.actions[a].actor == s.actorIndex("us") { s.actions[a].id } else { nil }
        }
    }

    @Test func titForTatAnswersAtTheRungReceived() throws {
        let yaml = Self.duel(rules: "      - {strategy: tit_for_tat, delay: 1}",
                             attacks: [(1, "kh_barrage", 0), (10, "kh_threat", 0)])
        #expect(try Self.answers(yaml) == ["us_strike", "us_statement"])
    }

    @Test func withNoActionAtTheRungTheNearestLowerOneIsChosen() throws {
        // Rung 4 lies between the raid (3) and the strike (5): ties go to the lower rung.
        let yaml = Self.duel(rules: "      - {strategy: tit_for_tat, delay: 1}", attacks: [(1, "kh_rockets", 0)])
        #expect(try Self.answers(yaml) == ["us_raid"])
    }

    @Test func proportionalEscalatesOrDeEscalatesByTheOffset() throws {
        let up = Self.duel(rules: "      - {strategy: proportional, offset: 2, delay: 1}", attacks: [(1, "kh_rockets", 0)])
        #expect(try Self.answers(up) == ["us_campaign"])
        let down = Self.duel(rules: "      - {strategy: proportional, offset: -1, delay: 1}", attacks: [(1, "kh_rockets", 0)])
        #expect(try Self.answers(down) == ["us_raid"])
    }

    @Test func answerWithLimitsTheChoice() throws {
        let yaml = Self.duel(rules: "      - {strategy: tit_for_tat, answer_with: [us_statement, us_campaign], delay: 1}",
                             attacks: [(1, "kh_rockets", 0)])
        #expect(try Self.answers(yaml) == ["us_campaign"])
    }

    @Test func fixedAlwaysAnswersWithItsAction() throws {
        let yaml = Self.duel(rules: "      - {strategy: fixed, action: us_raid, delay: 1}",
                             attacks: [(1, "kh_threat", 0), (5, "kh_barrage", 0)])
        #expect(try Self.answers(yaml) == ["us_raid", "us_raid"])
    }

    @Test func theFirstRuleThatAppliesDecidesSoRedLinesGoFirst() throws {
        let yaml = Self.duel(rules: """
                  - {name: red line, when: event.us_killed >= 1, strategy: fixed, action: us_campaign, delay: 1}
                  - {name: otherwise, strategy: tit_for_tat, delay: 1}
            """, attacks: [(1, "kh_rockets", 0), (10, "kh_rockets", 2)])
        #expect(try Self.answers(yaml) == ["us_raid", "us_campaign"])
    }

    /// A condition that reads only the event's casualties is decided without reading them after an
    /// action that wrote none (`Comparison.atNoCasualties`): it must see zeros exactly then, and
    /// the counts otherwise, whether they were documented, drawn or intercepted.
    @Test func aConditionOnTheEventSeesTheCasualtiesOfThatEventOnly() throws {
        let yaml = """
            horizon: 100
            actors: {kh: {name: KH}, us: {name: US}}
            actions:
              kh_threat: {actor: kh, target: us, rung: 0}
              kh_rockets: {actor: kh, target: us, rung: 4}
              kh_deadly: {actor: kh, target: us, rung: 4, casualties: {us_killed: 3}}
              kh_shot_down: {actor: kh, target: us, rung: 4, interception: 1, casualties: {us_killed: 3}}
              us_statement: {actor: us, target: kh, rung: 0}
              us_campaign: {actor: us, target: kh, rung: 6}
            policies:
              us_policy:
                actor: us
                rules:
                  - {when: event.us_killed >= 1, strategy: fixed, action: us_campaign, delay: 1}
                  - {when: event.us_killed < 1, strategy: fixed, action: us_statement, delay: 1}
            interventions:
              documented: {at: 1, inject: {action: kh_rockets, casualties: {us_killed: 2}}}
              threat: {at: 5, inject: kh_threat}
              again: {at: 9, inject: kh_threat}
              none_documented: {at: 12, inject: {action: kh_rockets, casualties: {us_killed: 0}}}
              drawn: {at: 15, inject: kh_deadly}
              intercepted: {at: 20, inject: kh_shot_down}
            """
        let expected = ["us_campaign", "us_statement", "us_statement", "us_statement", "us_campaign", "us_statement"]
        #expect(try Self.answers(yaml) == expected)
        // The untraced run (answer plans, no recording) agrees.
        let s = try scenario(yaml)
        #expect(Simulator(scenario: s).run(seed: 1) == Simulator(scenario: s).runTraced(seed: 1).0)
    }

    @Test func aDeclinedRuleEndsTheSearchUnlessItFallsThrough() throws {
        let stops = Self.duel(rules: """
                  - {strategy: fixed, action: us_campaign, probability: 0, delay: 1}
                  - {strategy: fixed, action: us_raid, delay: 1}
            """, attacks: [(1, "kh_rockets", 0)])
        #expect(try Self.answers(stops) == [])
        let passes = Self.duel(rules: """
                  - {strategy: fixed, action: us_campaign, probability: 0, fall_through: true, delay: 1}
                  - {strategy: fixed, action: us_raid, delay: 1}
            """, attacks: [(1, "kh_rockets", 0)])
        #expect(try Self.answers(passes) == ["us_raid"])
    }

    @Test func restraintAnswersNothingAndStopsLaterRules() throws {
        let yaml = Self.duel(rules: """
                  - {hit_by: kh_threat, strategy: restraint}
                  - {strategy: tit_for_tat, delay: 1}
            """, attacks: [(1, "kh_threat", 0), (5, "kh_barrage", 0)])
        #expect(try Self.answers(yaml) == ["us_strike"])
    }

    @Test func titForTwoTatsAnswersOnlyASecondHitWithinTheWindow() throws {
        let yaml = Self.duel(rules: "      - {strategy: tit_for_two_tats, window: 5, delay: 0.5}",
                             attacks: [(1, "kh_rockets", 0), (10, "kh_barrage", 0), (13, "kh_barrage", 0),
                                       (14, "kh_barrage", 0), (30, "kh_barrage", 0), (34, "kh_barrage", 0)])
        // Day 1 alone; day 10 is 9 days later (outside); day 13 within 5 of day 10: answered;
        // day 14 starts afresh; day 30 too far; day 34 within 5 of day 30: answered.
        #expect(try Self.answers(yaml) == ["us_strike", "us_strike"])
    }

    @Test func grimTriggerAnswersEveryHitAtTheTopOnceTriggered() throws {
        let yaml = Self.duel(rules: "      - {when: event.us_killed >= 1, strategy: grim_trigger, delay: 1}",
                             attacks: [(1, "kh_threat", 0), (5, "kh_rockets", 1), (10, "kh_threat", 0)])
        // Nothing before the first death; then the highest rung against kh (the campaign) every time.
        #expect(try Self.answers(yaml) == ["us_campaign", "us_campaign"])
    }

    @Test func attributionToTheSponsorAimsTheAnswerAtIran() throws {
        let sponsor = Self.duel(rules: "      - {strategy: proportional, offset: 3, attribution: sponsor, delay: 1}",
                                attacks: [(1, "kh_rockets", 0)])
        #expect(try Self.answers(sponsor) == ["us_hits_iran"])
        let both = Self.duel(rules: "      - {strategy: proportional, offset: 3, attribution: both, delay: 1}",
                             attacks: [(1, "kh_rockets", 0)])
        #expect(try Self.answers(both).sorted() == ["us_campaign", "us_hits_iran"])
    }

    @Test func fromAndHitByFilterWhichHitsARuleAnswers() throws {
        let yaml = Self.duel(rules: """
                  - {from: [kh], hit_by: [kh_barrage], strategy: fixed, action: us_strike, delay: 1}
            """, attacks: [(1, "kh_rockets", 0), (5, "kh_barrage", 0)])
        #expect(try Self.answers(yaml) == ["us_strike"])
    }

    @Test func theResponseProbabilityIsDrawnPerHit() throws {
        let yaml = Self.duel(rules: "      - {strategy: tit_for_tat, probability: 0, delay: 1}",
                             attacks: [(1, "kh_barrage", 0), (2, "kh_barrage", 0)])
        #expect(try Self.answers(yaml) == [])
    }

    @Test func anActorDefendingAnotherAnswersHitsOnIt() throws {
        let s = try scenario("""
            horizon: 30
            actors: {iran: {name: Iran}, kh: {name: KH, sponsor: iran}, us: {name: US}}
            actions:
              us_strike: {actor: us, target: kh, rung: 5}
              iran_missiles: {actor: iran, target: us, rung: 7}
            policies:
              iran: {actor: iran, rules: [{defends: kh, when: event.militia_killed >= 5, strategy: fixed, action: iran_missiles, delay: 5}]}
            interventions:
              small: {at: 1, inject: {action: us_strike, casualties: {militia_killed: 2}}}
              large: {at: 2, inject: {action: us_strike, casualties: {militia_killed: 25}}}
            """)
        let (result, trace) = Simulator(scenario: s).runTraced(seed: 3)
        #expect(s.count("iran_missiles", in: result) == 1)
        #expect(trace.entries.last { if case .action = $0.kind { true } else { false } }?.time == 7)
    }
}
