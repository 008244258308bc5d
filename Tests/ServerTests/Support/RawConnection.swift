import Foundation

/// A plain TCP connection for sending HTTP that no well-behaved client
/// would: bodies cut short, broken chunked framing, headers one byte at a time.
/// (Unchecked: a test uses it from one task at a time, and `received`
/// hands it to one thread while the task waits.)
final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Foundation.close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .ECONNREFUSED)
        }
    }

    private var closed = false

    deinit { close() }

    /// Closes the connection (as a client that goes away).
    func close() {
        guard !closed else { return }
        closed = true
        Foundation.close(fd)
    }

    /// Sends `text`; false once the peer has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Half-closes: the server sees the end of the request stream.
    func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// Everything the server sends until it closes or `seconds` pass.
    func receive(seconds: Int = 10) -> String {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data += buffer[0..<count]
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// What the server sends until `marker` has arrived, it closes, or `seconds` pass.
    func receive(until marker: String, seconds: Int = 10) -> String {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !String(decoding: data, as: UTF8.self).contains(marker) {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data += buffer[0..<count]
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `receive(until:seconds:)` on a thread of its own: a server in the
    /// test's process needs the cooperative pool's threads to answer, and
    /// on 2 cores a blocking read would hold one of the two.
    func received(until marker: String, seconds: Int = 10) async -> String {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.receive(until: marker, seconds: seconds)) }.start()
        }
    }

    /// Whether the server has closed the connection (a read returns end of
    /// stream or a reset) within `milliseconds`.
    func isClosedByServer(milliseconds: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, milliseconds) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
    }
}
