/// Counts by 64-bit key, for a metric's histogram: open addressing with a multiplicative hash
/// and linear probing. A summary adds a value a column a run, and `Dictionary`'s seeded hashing
/// cost more than the rest of the summary together; the order of the keys never matters, as
/// they are sorted before they are read.
struct CountTable: Sendable {
    private var keys: [Int64] = []
    /// 0 marks an empty slot: no key is counted 0 times.
    private var counts: [Int] = []
    /// log2 of the number of slots.
    private var bits = 0
    /// Distinct keys.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func add(_ key: Int64, times: Int = 1) {
        // At most half full, so a probe seldom looks past a slot or two.
        if 2 * (count + 1) > counts.count { grow() }
        let mask = counts.count - 1
        // Fibonacci hashing: the top bits of key × 2^64/φ.
        var slot = Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
        while counts[slot] != 0 {
            if keys[slot] == key {
                counts[slot] += times
                return
            }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        counts[slot] = times
        count += 1
    }

    /// Every key with its count, in no particular order.
    var entries: [(key: Int64, count: Int)] {
        zip(keys, counts).filter { $0.1 != 0 }.map { (key: $0.0, count: $0.1) }
    }

    private mutating func grow() {
        let old = entries
        bits = max(bits + 1, 4)
        keys = [Int64](repeating: 0, count: 1 << bits)
        counts = [Int](repeating: 0, count: 1 << bits)
        count = 0
        for (key, n) in old { add(key, times: n) }
    }
}
