import Dispatch

/// At most `running` batches at once, at most `waiting` more in line; beyond that a request is
/// told the server is busy at once (503), rather than queued without bound. The batches run on
/// their own threads, never on the server's event loops.
public actor BatchGate {
    public let running: Int
    public let waiting: Int
    private var active = 0
    private var line: [CheckedContinuation<Void, Never>] = []

    public init(running: Int, waiting: Int) {
        self.running = max(1, running)
        self.waiting = max(0, waiting)
    }

    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await enter()
        defer { leave() }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    private func enter() async throws {
        if active < running {
            active += 1
            return
        }
        guard line.count < waiting else {
            throw ClientError(.serviceUnavailable, "busy: \(running) batches are running and \(waiting) waiting; try again in a moment")
        }
        // `leave` hands its place straight to the first in line.
        await withCheckedContinuation { line.append($0) }
    }

    private func leave() {
        if line.isEmpty {
            active -= 1
        } else {
            line.removeFirst().resume()
        }
    }
}
