/// Counts by 64-bit key, for a metric's histogram: open addressing with a multiplicative hash
/// and linear probing. A summary adds a value a column a run, and `Dictionary`'s seeded hashing
/// was much of that cost; the order of the keys never matters, as they are sorted before they
/// are read.
struct CountTable: Sendable {
    private struct Slot {
        var key: Int64
        /// 0 marks an empty slot: no key is counted 0 times.
        var count: Int
    }
    private var slots: [Slot] = []
    /// log2 of the number of slots.
    private var bits = 0
    /// Distinct keys.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func add(_ key: Int64, times: Int = 1) {
        // At most half full, so a probe seldom looks past a slot or two.
        if 2 * (count + 1) > slots.count { grow() }
        let mask = slots.count - 1
        // Fibonacci hashing: the top bits of key × 2^64/φ.
        var i = Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
        while slots[i].count != 0 {
            if slots[i].key == key {
                slots[i].count += times
                return
            }
            i = (i + 1) & mask
        }
        slots[i] = Slot(key: key, count: times)
        count += 1
    }

    /// Every key with its count, in no particular order.
    var entries: [(key: Int64, count: Int)] {
        slots.filter { $0.count != 0 }.map { (key: $0.key, count: $0.count) }
    }

    private mutating func grow() {
        let old = entries
        bits = max(bits + 1, 4)
        slots = [Slot](repeating: Slot(key: 0, count: 0), count: 1 << bits)
        count = 0
        for (key, n) in old { add(key, times: n) }
    }
}
