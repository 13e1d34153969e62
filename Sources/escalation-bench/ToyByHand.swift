// The benchmark toy model (Scenarios/bench/toy.yaml) written by hand in Swift: the same loop as
// the C peer (bench/peers/toy_gsl.c), line for line, on the engine's own random stream.
//
//   militia attacks: Poisson process, 0.2 a day
//   each attack: the US answers with probability 0.6 after Gamma(shape 2, scale 1.5) days
//   each answer: the militia counters with probability 0.5 after Exponential(mean 2) days
//   counters draw no answers; horizon 365 days
//
// It makes the engine's draws in the engine's order (`RandomStream`: xoshiro256** inlined, GSL's
// gamma sampler), so it handles exactly the engine's events, and the bench checks the count.
// Beside the engine it says what the engine's generality costs (engine ÷ this: the rules, the
// records and the tables a scenario is read from, on the same language, generator and samplers);
// beside the C peer, what the language and the inlined generator give (this ÷ C).
import Stochastics

/// One queued event of the toy: when, the order of scheduling, and what.
struct ToyEvent {
    enum Kind { case attack, answer, counter }
    var time: Double
    var sequence: UInt64
    var kind: Kind

    @inline(__always)
    func precedes(_ other: ToyEvent) -> Bool {
        time < other.time || (time == other.time && sequence < other.sequence)
    }
}

/// A binary min-heap by (time, sequence), as in the C peer: pop sifts the last event down from
/// the root, schedule sifts the new one up.
struct ToyQueue: ~Copyable {
    private var heap: UnsafeMutablePointer<ToyEvent>
    private var capacity = 256
    private(set) var count = 0
    private var nextSequence: UInt64 = 0

    init() { heap = .allocate(capacity: capacity) }
    deinit { heap.deallocate() }

    mutating func removeAll() {
        count = 0
        nextSequence = 0
    }

    var firstTime: Double { heap[0].time }

    @inline(__always)
    mutating func schedule(_ time: Double, _ kind: ToyEvent.Kind) {
        if count == capacity { grow() }
        let event = ToyEvent(time: time, sequence: nextSequence, kind: kind)
        nextSequence &+= 1
        var hole = count
        count &+= 1
        while hole > 0 {
            let parent = (hole &- 1) >> 1
            if !event.precedes(heap[parent]) { break }
            heap[hole] = heap[parent]
            hole = parent
        }
        heap[hole] = event
    }

    @inline(__always)
    mutating func pop() -> ToyEvent {
        let top = heap[0]
        count &-= 1
        if count > 0 {
            let last = heap[count]
            var hole = 0
            while true {
                var child = 2 &* hole &+ 1
                if child >= count { break }
                if child &+ 1 < count && heap[child &+ 1].precedes(heap[child]) { child &+= 1 }
                if !heap[child].precedes(last) { break }
                heap[hole] = heap[child]
                hole = child
            }
            heap[hole] = last
        }
        return top
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<ToyEvent>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: heap, count: count)
        heap.deallocate()
        heap = bigger
        capacity *= 2
    }
}

/// Runs replications 0..<runs of the toy from `masterSeed` (each seeded as a batch seeds it);
/// returns the events handled before the horizon, over all runs.
func toyByHand(runs: Int, masterSeed: UInt64) -> Int {
    let horizon = 365.0, attackMean = 1 / 0.2
    let stream = RandomStream(seed: 0)
    var queue = ToyQueue()
    var events = 0
    for k in 0..<runs {
        stream.reseed(StreamSeed.replication(master: masterSeed, index: UInt64(k)))
        queue.removeAll()
        queue.schedule(stream.exponential(mean: attackMean), .attack)
        while queue.count > 0 && queue.firstTime <= horizon {
            let event = queue.pop()
            events &+= 1
            switch event.kind {
            case .attack:
                if stream.bernoulli(0.6) { queue.schedule(event.time + stream.gamma(shape: 2, scale: 1.5), .answer) }
                queue.schedule(event.time + stream.exponential(mean: attackMean), .attack)
            case .answer:
                if stream.bernoulli(0.5) { queue.schedule(event.time + stream.exponential(mean: 2), .counter) }
            case .counter:
                break
            }
        }
    }
    return events
}
