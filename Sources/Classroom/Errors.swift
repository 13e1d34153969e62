import Hummingbird

/// A request the server refuses, with the status and a message for the person who sent it.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    static func badRequest(_ message: String) -> ClientError { ClientError(.badRequest, message) }
}

/// The server cannot start.
public enum ClassroomError: Error, CustomStringConvertible {
    case setup(String)

    public var description: String {
        switch self {
        case .setup(let message): message
        }
    }
}
