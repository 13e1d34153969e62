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
public struct EventQueue<Payload: BitwiseCopyable>: ~Copyable {
    public static var sequenceMask: UInt64 { (1 << 56) - 1 }

    @usableFromInline var heap: UnsafeMutablePointer<Event<Payload>>
    @usableFromInline var capacity: Int
    @usableFromInline var storedCount: Int
    @usableFromInline var nextSequence: UInt64

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 4)
        self.heap = .allocate(capacity: self.capacity)
        self.storedCount = 0
        self.nextSequence = 0
    }

    deinit { heap.deallocate() }

    /// Number of events waiting.
    @inlinable
    public var count: Int { storedCount }

    public var isEmpty: Bool { count == 0 }

    /// Sequence numbers handed out so far (since the last `removeAll`).
    public var scheduledCount: UInt64 { nextSequence }

    /// Empties the queue and restarts sequence numbers at 0, keeping the storage.
    public mutating func removeAll() {
        storedCount = 0
        nextSequence = 0
    }

    /// Schedules `payload` at `time`; returns its sequence number. Lower `priority` goes first
    /// among events at the same time; equal priorities go in scheduling order.
    @inlinable @inline(__always)
    @discardableResult
    public mutating func schedule(at time: Double, priority: UInt8 = 0, _ payload: Payload) -> UInt64 {
        let sequence = nextSequence
        nextSequence &+= 1
        if count == capacity { grow() }
        let event = Event(time: time, key: UInt64(priority) << 56 | sequence, payload: payload)
        // Sift up, moving parents down into the hole.
        var hole = storedCount
        storedCount += 1
        while hole > 0 {
            let parent = (hole - 1) >> 1
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
        count > 0 ? heap[0] : nil
    }

    /// Removes and returns the next event.
    @inlinable
    public mutating func pop() -> Event<Payload>? {
        count > 0 ? removeFirst() : nil
    }

    /// The time of the next event; only when `count > 0`.
    @inlinable
    var firstTime: Double { heap[0].time }

    /// Removes and returns the next event; only when `count > 0`.
    @inlinable @inline(__always)
    mutating func removeFirst() -> Event<Payload> {
        let top = heap[0]
        storedCount -= 1
        let count = storedCount
        if count > 0 {
            let last = heap[count]
            // Sift down from the root, moving the smaller child up into the hole.
            var hole = 0
            while true {
                var child = 2 * hole + 1
                if child >= count { break }
                if child + 1 < count, heap[child + 1].precedes(heap[child]) { child += 1 }
                if !heap[child].precedes(last) { break }
                heap[hole] = heap[child]
                hole = child
            }
            heap[hole] = last
        }
        return top
    }

    @usableFromInline
    mutating func grow() {
        let bigger = UnsafeMutablePointer<Event<Payload>>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: heap, count: count)
        heap.deallocate()
        heap = bigger
        capacity *= 2
    }
}
