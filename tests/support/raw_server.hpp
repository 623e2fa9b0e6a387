#pragma once
// A hostile HTTP peer for the test suite: a TCP server on 127.0.0.1 that hands each connection to a
// handler of the test's, which reads the request and writes whatever bytes it likes, when it likes:
// trailers without end, a header of a megabyte, a reply a byte a second, silence. TestServer
// (cpp-httplib) answers only with well-formed HTTP; this one speaks no HTTP at all by itself.
//
//     RawServer server([](RawConnection& c) {
//         (void)c.read_request();
//         c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
//     });

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace test_support {

/// One accepted connection, as its handler sees it.
class RawServer;

class RawConnection {
public:
    RawConnection(int socket, RawServer& server) : socket_(socket), server_(server) {}

    /// The next request, raw: its head (request line and headers, CRLFs and all) and the body its
    /// Content-Length announces. Empty when the peer closed the connection first or the server stops.
    [[nodiscard]] std::string read_request();
    /// Writes every byte (false once the peer has gone or the server stops).
    bool write(std::string_view bytes);
    /// Sleeps, cut short when the server stops (then false).
    bool pause(std::chrono::milliseconds time);
    [[nodiscard]] bool stopping() const noexcept;

private:
    int socket_;
    RawServer& server_;
    std::string pending_;  // read past the last request
};

class RawServer {
public:
    using Handler = std::function<void(RawConnection&)>;

    /// Listens on 127.0.0.1, on a port the system picks; each connection runs `handler` on a
    /// thread of its own and is closed when the handler returns.
    explicit RawServer(Handler handler);
    /// Stops accepting, cuts every handler's pauses short, closes every connection, joins.
    ~RawServer();

    RawServer(const RawServer&) = delete;
    RawServer& operator=(const RawServer&) = delete;

    [[nodiscard]] int port() const noexcept { return port_; }
    [[nodiscard]] std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    /// Every request read so far by any handler, raw, in the order read.
    [[nodiscard]] std::vector<std::string> requests() const;

private:
    friend class RawConnection;
    void accept_loop();

    Handler handler_;
    std::vector<std::string> requests_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::vector<int> sockets_;
    std::vector<std::thread> threads_;
    std::thread acceptor_;
};

}  // namespace test_support
