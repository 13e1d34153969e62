import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The classroom's router served on a free loopback port, called over real HTTP as a browser
/// calls it; stopped when the test's body returns.
struct LiveServer: Sendable {
    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let text: String
    }

    let port: Int

    static func with(_ router: Router<BasicRequestContext>, _ body: @escaping @Sendable (LiveServer) async throws -> Void) async throws {
        let bound = Mutex<Int?>(nil)
        // Quiet: stopping the server at the end of each test is not news.
        var logger = Logger(label: "classroom-test")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in bound.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var port: Int?
        for _ in 0..<500 {
            port = bound.withLock { $0 }
            if port != nil { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        guard let port else { throw URLError(.cannotConnectToHost) }
        try await body(LiveServer(port: port))
        server.cancel()
        _ = await server.result
    }

    /// One request; any status comes back as a reply (only a failed connection throws).
    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: String? = nil) async throws -> Reply {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(uri)") else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        request.httpMethod = method.rawValue
        for field in headers { request.setValue(field.value, forHTTPHeaderField: field.name.rawName) }
        request.httpBody = body.map { Data($0.utf8) }
        request.timeoutInterval = 120
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields = HTTPFields()
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String, let key = HTTPField.Name(name) { fields[key] = value }
        }
        return Reply(status: HTTPResponse.Status(code: http.statusCode), headers: fields, text: String(decoding: data, as: UTF8.self))
    }
}
