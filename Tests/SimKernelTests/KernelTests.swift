import SimKernel
import Stochastics
import Testing

/// A handler that logs what it sees, schedules follow-ups from a script, and may stop.
struct Recorder: EventHandler {
    var log: [String] = []
    var followUps: [String: [(delay: Double, priority: UInt8, label: String)]] = [:]
    var stopAt: String?

    mutating func handle(_ event: Event<Int>, queue: inout EventQueue<Int>) -> Bool {
        let label = names[event.payload]
        log.append("\(label)@\(event.time)")
        for next in followUps[label] ?? [] {
            names.append(next.label)
            queue.schedule(at: event.time + next.delay, priority: next.priority, names.count - 1)
        }
        return label != stopAt
    }

    var names: [String] = []

    mutating func schedule(_ label: String, at time: Double, priority: UInt8 = 0, on queue: inout EventQueue<Int>) {
        names.append(label)
        queue.schedule(at: time, priority: priority, names.count - 1)
    }
}

struct KernelTests {
    @Test func equalTimesGoInSchedulingOrderWithinAPriority() {
        var queue = EventQueue<Int>()
        var recorder = Recorder()
        for label in ["a", "b", "c", "d"] { recorder.schedule(label, at: 1, on: &queue) }
        recorder.schedule("early", at: 0.5, on: &queue)
        let end = queue.run(&recorder, horizon: 10, maxEvents: 100)
        #expect(recorder.log == ["early@0.5", "a@1.0", "b@1.0", "c@1.0", "d@1.0"])
        #expect(end == RunEnd(reason: .exhausted, events: 5, time: 1))
    }

    @Test func lowerPriorityGoesFirstAtEqualTimes() {
        var queue = EventQueue<Int>()
        var recorder = Recorder()
        recorder.schedule("late-priority", at: 2, priority: 2, on: &queue)
        recorder.schedule("action", at: 2, priority: 1, on: &queue)
        recorder.schedule("intervention", at: 2, priority: 0, on: &queue)
        _ = queue.run(&recorder, horizon: 10, maxEvents: 100)
        #expect(recorder.log == ["intervention@2.0", "action@2.0", "late-priority@2.0"])
    }

    @Test func eventsScheduledWhileRunningTieBreakBySequenceToo() {
        var queue = EventQueue<Int>()
        var recorder = Recorder()
        recorder.followUps["start"] = [(1, 0, "x"), (1, 0, "y")]
        recorder.followUps["x"] = [(0, 0, "x2")]
        recorder.schedule("start", at: 0, on: &queue)
        recorder.schedule("z", at: 1, on: &queue)
        _ = queue.run(&recorder, horizon: 10, maxEvents: 100)
        // z was scheduled before x and y (sequence 1 against 2 and 3); x2 comes after y (4 > 3).
        #expect(recorder.log == ["start@0.0", "z@1.0", "x@1.0", "y@1.0", "x2@1.0"])
    }

    @Test func theHorizonStopsTheRunAndAnEventOnItStillHappens() {
        var queue = EventQueue<Int>()
        var recorder = Recorder()
        recorder.schedule("on", at: 5, on: &queue)
        recorder.schedule("after", at: 5.000001, on: &queue)
        recorder.schedule("before", at: 4, on: &queue)
        let end = queue.run(&recorder, horizon: 5, maxEvents: 100)
        #expect(recorder.log == ["before@4.0", "on@5.0"])
        #expect(end == RunEnd(reason: .horizon, events: 2, time: 5))
        let left = queue.count
        #expect(left == 1)
    }

    @Test func theEventCapEndsARunThatWouldNotSettle() {
        var queue = EventQueue<Int>()
        var recorder = Recorder()
        recorder.followUps["tick"] = [(0.001, 0, "tick")]
        recorder.schedule("tick", at: 0, on: &queue)
        let end = queue.run(&recorder, horizon: 1_000_000, maxEvents: 500)
        #expect(end.reason == .eventCap)
        #expect(end.events == 500)
        #expect(recorder.log.count == 500)
    }

    @Test func theHandlerCanStopTheRun() {
        var queue = EventQueue<Int>()
        var recorder = Recorder()
        recorder.stopAt = "b"
        for (i, label) in ["a", "b", "c"].enumerated() { recorder.schedule(label, at: Double(i), on: &queue) }
        let end = queue.run(&recorder, horizon: 10, maxEvents: 100)
        #expect(end == RunEnd(reason: .stopped, events: 2, time: 1))
    }

    /// `run` leaves the event it hands over in the heap until the handler schedules the next (which
    /// takes its place) or returns. Whatever a handler schedules (nothing, one or several events,
    /// at once or later, before the handled one by priority), the events must come in the order
    /// of a plain list searched for its least `(time, priority, sequence)`.
    @Test func runHandsOverEventsInOrderWhateverTheHandlerSchedules() {
        /// Follow-ups of event `id`: none (half the time) to three (0.9 on average, so a run ends),
        /// after 0, 0.5, 1 or 0–3 days, any priority.
        func followUps(_ id: Int) -> [(delay: Double, priority: UInt8)] {
            var h = UInt64(bitPattern: Int64(id)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            return (0..<[0, 0, 0, 0, 0, 1, 1, 2, 3, 3][Int(h % 10)]).map { k in
                let bits = (h >> (8 * UInt64(k) + 2)) & 0xFF
                let delay = [0, 0.5, 1, Double(bits % 31) / 10][Int(bits % 4)]
                return (delay, UInt8(bits / 4 % 3))
            }
        }
        struct Brancher: EventHandler {
            var log: [Int] = []
            var nextID = 0
            let followUps: (Int) -> [(delay: Double, priority: UInt8)]
            mutating func handle(_ event: Event<Int>, queue: inout EventQueue<Int>) -> Bool {
                log.append(event.payload)
                for f in followUps(event.payload) {
                    nextID += 1
                    queue.schedule(at: event.time + f.delay, priority: f.priority, nextID)
                }
                return true
            }
        }
        for seed in 0..<4 {
            var queue = EventQueue<Int>(capacity: 4)
            var brancher = Brancher(nextID: 100_000 * seed, followUps: followUps)
            queue.scheduleCalendar(count: 3) { i in (Double(i) * 2.5, 0, i, -1 - i) }
            for k in 0..<100 { queue.schedule(at: Double(k % 37), priority: UInt8(k % 3), 1000 * seed - 1 - k) }
            let end = queue.run(&brancher, horizon: 40, maxEvents: 20_000)

            // The same, on a plain list.
            var pending: [(time: Double, key: UInt64, id: Int)] = (0..<3).map { i in
                (Double(i) * 2.5, UInt64(i), -1 - i)
            }
            var sequence: UInt64 = 3
            for k in 0..<100 {
                pending.append((Double(k % 37), UInt64(k % 3) << 56 | sequence, 1000 * seed - 1 - k))
                sequence += 1
            }
            var log: [Int] = []
            var nextID = 100_000 * seed
            while let i = pending.indices.min(by: { pending[$0].time < pending[$1].time
                    || (pending[$0].time == pending[$1].time && pending[$0].key < pending[$1].key) }),
                  pending[i].time <= 40, log.count < 20_000 {
                let event = pending.remove(at: i)
                log.append(event.id)
                for f in followUps(event.id) {
                    nextID += 1
                    pending.append((event.time + f.delay, UInt64(f.priority) << 56 | sequence, nextID))
                    sequence += 1
                }
            }
            #expect(log.count > 300)
            #expect(brancher.log == log)
            #expect(end.events == log.count)
            #expect(queue.count == pending.filter { $0.time > 40 }.count + (end.reason == .eventCap ? pending.filter { $0.time <= 40 }.count : 0))
        }
    }

    @Test func popReturnsEventsInOrderForManyRandomTimes() {
        var queue = EventQueue<Int>(capacity: 4)
        var generator = SystemRandomNumberGeneratorStandIn(state: 7)
        var expected: [(Double, UInt64)] = []
        for i in 0..<5000 {
            let t = Double(generator.next() % 100)
            let seq = queue.schedule(at: t, priority: 0, i)
            expected.append((t, seq))
        }
        expected.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        var popped: [(Double, UInt64)] = []
        while let e = queue.pop() { popped.append((e.time, e.sequence)) }
        #expect(popped.map(\.0) == expected.map(\.0))
        #expect(popped.map(\.1) == expected.map(\.1))
    }

    @Test func removeAllRestartsSequencesAndKeepsWorking() {
        var queue = EventQueue<Int>()
        queue.schedule(at: 1, 0)
        queue.schedule(at: 2, 1)
        queue.removeAll()
        let empty = queue.isEmpty
        #expect(empty)
        #expect(queue.schedule(at: 3, 2) == 0)
        #expect(queue.pop()?.payload == 2)
    }
}

/// A tiny deterministic generator so this test needs nothing outside the kernel.
struct SystemRandomNumberGeneratorStandIn {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
}

/// The calendar holds events fixed before a run: the events must come out in exactly the order
/// they would if each had been scheduled into the heap, ties in time and priority included.
struct CalendarTests {
    /// Random events on a coarse grid of times (many ties), each either scheduled one by one or
    /// listed in the calendar, plus follow-ups scheduled while the run goes: the log is the same.
    @Test func calendarEventsInterleaveExactlyAsIfScheduled() {
        var generator = SplitMix64(state: 7)
        for _ in 0..<200 {
            let fixed = (0..<Int(generator.next() % 12)).map { _ in
                (time: Double(generator.next() % 5), priority: UInt8(generator.next() % 3))
            }
            let early = (0..<Int(generator.next() % 6)).map { _ in
                (time: Double(generator.next() % 5), priority: UInt8(generator.next() % 3))
            }
            let followUp = (delay: Double(generator.next() % 3), priority: UInt8(generator.next() % 3))

            func log(calendar: Bool) -> [String] {
                var queue = EventQueue<Int>(capacity: 4)
                var recorder = Recorder()
                for (k, e) in early.enumerated() { recorder.schedule("e\(k)", at: e.time, priority: e.priority, on: &queue) }
                if calendar {
                    let labels = fixed.indices.map { "f\($0)" }
                    recorder.names += labels
                    let base = recorder.names.count - labels.count
                    let sorted = fixed.indices.sorted { (fixed[$0].time, fixed[$0].priority, $0) < (fixed[$1].time, fixed[$1].priority, $1) }
                    queue.scheduleCalendar(count: fixed.count) { i in
                        let k = sorted[i]
                        return (fixed[k].time, fixed[k].priority, k, base + k)
                    }
                } else {
                    for (k, e) in fixed.enumerated() { recorder.schedule("f\(k)", at: e.time, priority: e.priority, on: &queue) }
                }
                for k in early.indices { recorder.followUps["e\(k)"] = [(followUp.delay, followUp.priority, "after-e\(k)")] }
                _ = queue.run(&recorder, horizon: 100, maxEvents: 1000)
                return recorder.log
            }
            #expect(log(calendar: true) == log(calendar: false))
        }
    }

    @Test func countAndPeekSeeTheCalendar() {
        var queue = EventQueue<Int>()
        queue.schedule(at: 2, 20)
        queue.scheduleCalendar(count: 2) { i in [(1.0, UInt8(0), 0, 10), (3.0, UInt8(0), 1, 30)][i] }
        let count = queue.count
        let peeked = queue.peek()?.payload
        var popped: [Int] = []
        while let event = queue.pop() { popped.append(event.payload) }
        let empty = queue.isEmpty
        #expect(count == 3)
        #expect(peeked == 10)
        #expect(popped == [10, 20, 30])
        #expect(empty)
    }
}
