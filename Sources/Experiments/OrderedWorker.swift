import Foundation

/// A thread of its own that handles jobs one at a time in the order they are given, with at
/// most `depth` given and not yet handled (a giver waits beyond that, so memory stays bounded),
/// each job kept for reuse once handled, so that its buffers are allocated once. A merge's
/// reading thread fills the next block while a worker writes or summarises the last.
final class OrderedWorker<Job>: @unchecked Sendable {
    private let depth: Int
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var spare: [Job] = []
    private var inFlight = 0
    private var closing = false
    private let stopped = DispatchSemaphore(value: 0)

    /// Starts the thread, named `name`; `handle` runs on it, job by job.
    init(name: String, depth: Int, handle: @escaping @Sendable (inout Job) -> Void) {
        self.depth = depth
        let thread = Thread { [self] in work(handle) }
        thread.name = name
        thread.start()
    }

    /// Waits for room, then has `fill` fill a job (a used one, or a new one from `make`) and
    /// queues it.
    func submit(make: () -> Job, fill: (inout Job) -> Void) {
        condition.lock()
        while inFlight >= depth { condition.wait() }
        inFlight += 1
        var job = spare.popLast() ?? make()
        condition.unlock()
        fill(&job)
        condition.lock()
        queue.append(job)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every job given has been handled (at once, when called again).
    func finish() {
        condition.lock()
        let first = !closing
        closing = true
        condition.broadcast()
        condition.unlock()
        if first { stopped.wait() }
    }

    private func work(_ handle: @Sendable (inout Job) -> Void) {
        while true {
            condition.lock()
            while queue.isEmpty && !closing { condition.wait() }
            if queue.isEmpty {
                condition.unlock()
                break
            }
            var job = queue.removeFirst()
            condition.unlock()
            handle(&job)
            condition.lock()
            spare.append(job)
            inFlight -= 1
            condition.broadcast()
            condition.unlock()
        }
        stopped.signal()
    }
}
