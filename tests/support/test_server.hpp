// A scriptable local HTTP server for the test suite.
//
// TestServer listens on 127.0.0.1 (never on another interface) on a port the OS picks, and
// answers every request, whatever its method or path, with the next reply from a script the
// test enqueued. It records every request it receives so that tests can check what a client
// sent. Keep-alive stays enabled, so a client that reuses its connection shows the same
// `remote_port` on consecutive requests.
//
// cpp-httplib is an implementation detail: this header does not include it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace test_support {

struct RecordedRequest {
    std::string method;  // "GET", "POST", ...
    std::string path;    // the path without the query string, e.g. "/v1/chat/completions"
    std::string body;
    // Headers as sent by the client, grouped by name (sorted case-insensitively, not in the order
    // received). The pseudo-headers cpp-httplib adds (REMOTE_ADDR, REMOTE_PORT, ...) are left out.
    std::vector<std::pair<std::string, std::string>> headers;
    int remote_port = -1;                            // the client's port: equal ports mean the same TCP connection
    std::chrono::steady_clock::time_point received;  // when the server began handling it
};

struct ScriptedReply {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
    std::string body;  // sent verbatim with its Content-Length (never compressed)
    // Sent as Content-Type, unless `headers` has a Content-Type (which then wins). When empty,
    // cpp-httplib's default (text/plain) goes out instead.
    std::string content_type = "application/json";
    // Wait this long before answering (the request is recorded first). Cut short when the server
    // is destroyed.
    int delay_ms = 0;
    // Announce a Content-Length larger than `body`, write `body`, then close the connection, so
    // that the client sees a truncated reply. With `chunks`: send every chunk, then close the
    // connection without the terminating zero-length chunk.
    bool close_mid_body = false;
    // When non-empty, the reply is streamed instead: `body` is ignored and the body goes out with
    // Transfer-Encoding: chunked, one HTTP chunk and one write to the socket per element, so that a
    // client sees the pieces as they were cut. Empty elements are skipped (a zero-length chunk would
    // end the body). Never compressed, whatever the client accepts.
    std::vector<std::string> chunks;
    // With `chunks`: pause this long before each chunk but the first. Cut short when the server is
    // destroyed, which then drops the connection.
    int chunk_delay_ms = 0;

    // `text` cut into pieces of `n` bytes (the last one shorter), e.g. for `chunks`: split_every(
    // "abcde", 2) is {"ab", "cd", "e"}; an empty text gives no pieces. Throws std::invalid_argument
    // when n is 0.
    static std::vector<std::string> split_every(std::string_view text, std::size_t n);
};

class TestServer {
public:
    // Starts serving on 127.0.0.1 in a background thread and returns once it accepts connections.
    // Throws std::runtime_error if it cannot bind or start.
    // `threads`: requests handled at once (each keep-alive connection holds one); 0 is cpp-httplib's
    // default, a few. Raise it for tests with many requests in flight.
    explicit TestServer(int threads = 0);
    // Stops the server (cutting pending delays short, and dropping streamed replies still being
    // sent) and joins its thread. Immediate once clients have closed their connections; a
    // connection a client keeps open idle delays it by up to the server's keep-alive timeout of 1 s
    // (after which the server would close it anyway).
    ~TestServer();

    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    int port() const;
    std::string base_url() const;  // "http://127.0.0.1:<port>"

    // Adds a reply to the script. Replies are served in order, one per request, to any method and
    // path. When the script is empty the server answers
    // 500 {"error":{"message":"test server: no scripted reply"}}.
    void enqueue(ScriptedReply reply);

    // Answers every request that finds the script empty (instead of the 500 below), on the
    // server's threads, possibly several at once: `responder` must be thread-safe.
    using Responder = std::function<ScriptedReply(const RecordedRequest&)>;
    void respond_with(Responder responder);

    // Every request received so far, in the order the server began handling them.
    std::vector<RecordedRequest> requests() const;

    // The value of header `name` (case-insensitive) in request `request_index`; the first one if it
    // was sent more than once, "" if it was not sent. Throws std::out_of_range for a bad index.
    std::string header(std::size_t request_index, std::string_view name) const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace test_support
