/// Something that reacts to events: the model side of a simulation.
public protocol EventHandler: ~Copyable {
    associatedtype Payload: BitwiseCopyable

    /// Handles one event at `event.time`, scheduling any consequences on `queue`. Returns false
    /// to end the run now (for example, because an outcome was reached).
    mutating func handle(_ event: Event<Payload>, queue: inout EventQueue<Payload>) -> Bool
}

/// Why a run stopped.
public enum StopReason: Sendable, Equatable {
    /// The next event lies beyond the horizon.
    case horizon
    /// No events were left.
    case exhausted
    /// The handler asked to stop.
    case stopped
    /// The cap on events per run was reached with events still due: the run did not settle.
    case eventCap
}

/// How a run ended.
public struct RunEnd: Sendable, Equatable {
    public var reason: StopReason
    /// Events handled.
    public var events: Int
    /// Simulated time when the run stopped: the time of the last event handled, or the horizon
    /// when the run reached it.
    public var time: Double

    @inlinable
    public init(reason: StopReason, events: Int, time: Double) {
        self.reason = reason
        self.events = events
        self.time = time
    }
}

extension EventQueue {
    /// Pops and handles events in `(time, priority, sequence)` order until the horizon, an empty
    /// queue, the handler's stop, or `maxEvents` events, whichever comes first. An event exactly
    /// at the horizon is handled. While the handler runs, a heap event it was handed is still in
    /// the queue (`count` and `peek` see it) until it schedules the next (see `firstBeingHandled`).
    @inlinable
    public mutating func run<Handler: EventHandler & ~Copyable>(
        _ handler: inout Handler, horizon: Double, maxEvents: Int
    ) -> RunEnd where Handler.Payload == Payload {
        precondition(!horizon.isNaN, "horizon must be a number")
        precondition(maxEvents >= 0, "maxEvents must be 0 or more")
        var handled = 0
        var now = 0.0
        while true {
            // Which of the calendar and the heap holds the next event, decided once an event.
            let fromCalendar: Bool
            if calendarNext < calendarCount {
                fromCalendar = storedCount == 0 || calendar[calendarNext].precedes(heap[0])
            } else {
                if storedCount == 0 { break }
                fromCalendar = false
            }
            let time = fromCalendar ? calendar[calendarNext].time : heap[0].time
            if time > horizon { return RunEnd(reason: .horizon, events: handled, time: horizon) }
            if handled == maxEvents { return RunEnd(reason: .eventCap, events: handled, time: now) }
            let event: Event<Payload>
            if fromCalendar {
                event = removeCalendarFirst()
            } else {
                // Left in the heap while it is handled: see `firstBeingHandled`.
                event = heap[0]
                firstBeingHandled = true
            }
            now = event.time
            handled &+= 1
            let goOn = handler.handle(event, queue: &self)
            if firstBeingHandled {
                firstBeingHandled = false
                removeHeapRoot()
            }
            if !goOn { return RunEnd(reason: .stopped, events: handled, time: now) }
        }
        return RunEnd(reason: .exhausted, events: handled, time: now)
    }
}
