/// One scheduled event: when, its tie-break key, and a small plain-data payload.
///
/// Events are ordered by `(time, priority, sequence)`. Priority and sequence are packed in
/// `key` (priority in the top 8 bits, sequence below), so equal times compare by one integer.
/// The sequence is the order of scheduling: ties are never broken at random.
public struct Event<Payload: BitwiseCopyable>: BitwiseCopyable {
    public var time: Double
    public var key: UInt64
    public var payload: Payload

    @inlinable
    public var priority: UInt8 { UInt8(truncatingIfNeeded: key >> 56) }

    @inlinable
    public var sequence: UInt64 { key & EventQueue<Payload>.sequenceMask }

    @inlinable
    public init(time: Double, key: UInt64, payload: Payload) {
        self.time = time
        self.key = key
        self.payload = payload
    }

    @inlinable @inline(__always)
    func precedes(_ other: Event) -> Bool {
        time < other.time || (time == other.time && key < other.key)
    }
}

/// A priority queue of events: a binary min-heap over storage that grows by doubling and is
/// reused across runs, so a run in its steady state allocates nothing.
///
/// Events whose times are known before a run starts (a scenario's dated interventions and
/// observations) can instead be handed over at once, already in order, as a calendar: they wait
/// in a list read from the front rather than in the heap, which stays small. They keep the
/// sequence numbers they would have had in the heap, and the next event is whichever of the two
/// comes first by `(time, priority, sequence)`, so the order of events is exactly the same.
public struct EventQueue<Payload: BitwiseCopyable>: ~Copyable {
    public static var sequenceMask: UInt64 { (1 << 56) - 1 }

    @usableFromInline var heap: UnsafeMutablePointer<Event<Payload>>
    @usableFromInline var capacity: Int
    @usableFromInline var storedCount: Int
    @usableFromInline var nextSequence: UInt64
    @usableFromInline var calendar: UnsafeMutablePointer<Event<Payload>>
    @usableFromInline var calendarCapacity: Int
    @usableFromInline var calendarCount: Int
    /// The calendar's next event; those before it have been removed.
    @usableFromInline var calendarNext: Int
    /// While `run` hands the heap's first event to the handler, it stays in the heap: the first
    /// event the handler schedules takes its place at the root and sifts down (one pass down the
    /// heap instead of a pass down to remove it and a pass up to add the new one), and if the
    /// handler schedules none it is removed after. The order of events is the same: it is fixed
    /// by `(time, priority, sequence)`, whatever the heap's layout.
    @usableFromInline var firstBeingHandled: Bool

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 4)
        self.heap = .allocate(capacity: self.capacity)
        self.storedCount = 0
        self.nextSequence = 0
        self.calendarCapacity = 4
        self.calendar = .allocate(capacity: 4)
        self.calendarCount = 0
        self.calendarNext = 0
        self.firstBeingHandled = false
    }

    deinit {
        heap.deallocate()
        calendar.deallocate()
    }

    /// Number of events waiting.
    @inlinable
    public var count: Int { storedCount &+ (calendarCount &- calendarNext) }

    public var isEmpty: Bool { count == 0 }

    /// Sequence numbers handed out so far (since the last `removeAll`).
    public var scheduledCount: UInt64 { nextSequence }

    /// Empties the queue and restarts sequence numbers at 0, keeping the storage.
    public mutating func removeAll() {
        firstBeingHandled = false
        storedCount = 0
        nextSequence = 0
        calendarCount = 0
        calendarNext = 0
    }

    /// Schedules `count` events at once as the calendar (replacing any calendar not yet read), as
    /// if `schedule` had been called for each in the order of their `order` numbers 0..<count:
    /// event `order` gets sequence number `scheduledCount + order`. `entry(i)` must list them
    /// sorted by time, then priority, then order.
    @inlinable
    public mutating func scheduleCalendar(
        count: Int, _ entry: (Int) -> (time: Double, priority: UInt8, order: Int, payload: Payload)
    ) {
        if count > calendarCapacity { growCalendar(to: count) }
        let base = nextSequence
        for i in 0..<count {
            let e = entry(i)
            assert(e.order >= 0 && e.order < count, "calendar order out of range")
            calendar[i] = Event(time: e.time, key: UInt64(e.priority) << 56 | (base &+ UInt64(e.order)), payload: e.payload)
            assert(i == 0 || calendar[i - 1].precedes(calendar[i]), "calendar not in order")
        }
        calendarCount = count
        calendarNext = 0
        nextSequence += UInt64(count)
    }

    /// Whether the next event comes from the calendar; only when `count > 0`.
    @inlinable @inline(__always)
    var calendarFirst: Bool {
        calendarNext < calendarCount && (storedCount == 0 || calendar[calendarNext].precedes(heap[0]))
    }

    /// Schedules `payload` at `time`; returns its sequence number. Lower `priority` goes first
    /// among events at the same time; equal priorities go in scheduling order.
    @inlinable @inline(__always)
    @discardableResult
    public mutating func schedule(at time: Double, priority: UInt8 = 0, _ payload: Payload) -> UInt64 {
        let sequence = nextSequence
        nextSequence &+= 1
        let event = Event(time: time, key: UInt64(priority) << 56 | sequence, payload: payload)
        if firstBeingHandled {
            firstBeingHandled = false
            siftDown(event)
            return sequence
        }
        if storedCount == capacity { grow() }
        // Sift up, moving parents down into the hole.
        var hole = storedCount
        storedCount &+= 1
        while hole > 0 {
            let parent = (hole &- 1) >> 1
            if !event.precedes(heap[parent]) { break }
            heap[hole] = heap[parent]
            hole = parent
        }
        heap[hole] = event
        return sequence
    }

    /// The next event without removing it.
    @inlinable
    public func peek() -> Event<Payload>? {
        count > 0 ? (calendarFirst ? calendar[calendarNext] : heap[0]) : nil
    }

    /// Removes and returns the next event.
    @inlinable
    public mutating func pop() -> Event<Payload>? {
        count > 0 ? removeFirst() : nil
    }

    /// Removes and returns the next event; only when `count > 0`.
    @inlinable @inline(__always)
    mutating func removeFirst() -> Event<Payload> {
        calendarFirst ? removeCalendarFirst() : removeHeapFirst()
    }

    /// Removes and returns the calendar's next event; only when it is the next event.
    @inlinable @inline(__always)
    mutating func removeCalendarFirst() -> Event<Payload> {
        calendarNext &+= 1
        return calendar[calendarNext &- 1]
    }

    /// Removes and returns the heap's first event; only when it is the next event.
    @inlinable @inline(__always)
    mutating func removeHeapFirst() -> Event<Payload> {
        let top = heap[0]
        removeHeapRoot()
        return top
    }

    /// Removes the heap's first event; only when the heap is not empty.
    @inlinable @inline(__always)
    mutating func removeHeapRoot() {
        storedCount &-= 1
        if storedCount > 0 { siftDown(heap[storedCount]) }
    }

    /// Puts `event` in place of the root and sifts it down, moving the smaller child up into the
    /// hole.
    @inlinable @inline(__always)
    mutating func siftDown(_ event: Event<Payload>) {
        let count = storedCount
        var hole = 0
        while true {
            var child = 2 &* hole &+ 1
            if child >= count { break }
            if child &+ 1 < count, heap[child &+ 1].precedes(heap[child]) { child &+= 1 }
            if !heap[child].precedes(event) { break }
            heap[hole] = heap[child]
            hole = child
        }
        heap[hole] = event
    }

    @usableFromInline
    mutating func growCalendar(to count: Int) {
        calendar.deallocate()
        calendarCapacity = max(count, 2 * calendarCapacity)
        calendar = .allocate(capacity: calendarCapacity)
    }

    @usableFromInline
    mutating func grow() {
        let bigger = UnsafeMutablePointer<Event<Payload>>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: heap, count: storedCount)
        heap.deallocate()
        heap = bigger
        capacity *= 2
    }
}
